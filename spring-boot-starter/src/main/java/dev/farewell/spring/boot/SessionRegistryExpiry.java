package dev.farewell.spring.boot;

import dev.farewell.Release;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;

/**
 * Expires a released session in Spring Security's {@link SessionRegistry}: concurrency control
 * no longer counts it, and its next request (if any) is logged out.
 */
final class SessionRegistryExpiry implements SessionEnding {

  private static final Logger logger = LoggerFactory.getLogger(SessionRegistryExpiry.class);

  private final SessionRegistry registry;

  SessionRegistryExpiry(SessionRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void end(String sessionId, Release release) {
    SessionInformation information = registry.getSessionInformation(sessionId);
    if (information != null) {
      information.expireNow();
      logger.debug("Expired the login of released session {} ({})", release.sessionKey(),
          release.reason());
    }
  }

  @Override
  public String toString() {
    return "Spring Security session registry expiry";
  }
}
