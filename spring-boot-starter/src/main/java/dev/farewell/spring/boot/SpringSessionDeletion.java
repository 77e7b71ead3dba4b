package dev.farewell.spring.boot;

import dev.farewell.Release;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.session.SessionRepository;

/**
 * Deletes a released session through Spring Session's {@link SessionRepository}, so the login
 * ends on every node (Redis, JDBC). Does nothing when the application has no repository bean.
 */
final class SpringSessionDeletion implements SessionEnding {

  private static final Logger logger = LoggerFactory.getLogger(SpringSessionDeletion.class);

  private final ObjectProvider<SessionRepository<?>> repository;

  SpringSessionDeletion(ObjectProvider<SessionRepository<?>> repository) {
    this.repository = repository;
  }

  @Override
  public void end(String sessionId, Release release) {
    SessionRepository<?> sessions = repository.getIfUnique();
    if (sessions != null) {
      sessions.deleteById(sessionId);
      logger.debug("Deleted the Spring Session of released session {}", release.sessionKey());
    }
  }

  @Override
  public String toString() {
    return "Spring Session deletion";
  }
}
