package dev.farewell.spring.boot;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.farewell.ReleaseAction;
import dev.farewell.ReleaseReason;
import dev.farewell.servlet.HttpSessionBridge;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Knows the session id (the container's, or Spring Session's) of each Farewell session, and ends
 * that session in Spring Security and Spring Session when the engine releases the Farewell session
 * for {@code EXIT} or {@code TIMEOUT}. The id travels with the Farewell session, in the attribute
 * {@link #SESSION_ID_ATTRIBUTE} that {@link LoginTracking} gives it at login (after session
 * fixation protection changed the id), so the node that runs the release needs no memory of the
 * login; for a session tracked otherwise, the id this node noted after each request is used.
 * Thread-safe.
 */
final class ContainerSessions {

  private static final Logger logger = LoggerFactory.getLogger(ContainerSessions.class);

  /** The release attribute that holds the id of the login's session. */
  static final String SESSION_ID_ATTRIBUTE = "farewell.sessionId";

  private final ObjectProvider<SessionEnding> endingBeans;
  private final Cache<String, String> ids =
      Caffeine.newBuilder().maximumSize(1_000_000).build();
  private volatile List<SessionEnding> endings;

  ContainerSessions(ObjectProvider<SessionEnding> endingBeans) {
    this.endingBeans = endingBeans;
  }

  private List<SessionEnding> endings() {
    List<SessionEnding> resolved = endings;
    if (resolved == null) {
      resolved = endingBeans.orderedStream().toList();
      endings = resolved;
    }
    return resolved;
  }

  /** The id last seen for {@code sessionKey}, or null. */
  String idOf(String sessionKey) {
    return ids.getIfPresent(sessionKey);
  }

  Recorder recorder() {
    return new Recorder();
  }

  /** The release action that ends the container session in every {@link SessionEnding}. */
  ReleaseAction endOnRelease() {
    return release -> {
      String noted = ids.asMap().remove(release.sessionKey());
      String id = release.attributes().getOrDefault(SESSION_ID_ATTRIBUTE, noted);
      if (id != null
          && (release.reason() == ReleaseReason.EXIT
              || release.reason() == ReleaseReason.TIMEOUT)) {
        for (SessionEnding ending : endings()) {
          try {
            ending.end(id, release);
          } catch (RuntimeException e) {
            logger.warn("Could not end the server-side session of session {} in {}",
                release.sessionKey(), ending, e);
          }
        }
      }
      return CompletableFuture.completedFuture(null);
    };
  }

  /** Notes the session id of the request's Farewell session once the request is done. */
  final class Recorder implements Filter {

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      try {
        chain.doFilter(request, response);
      } finally {
        if (!endings().isEmpty() && request instanceof HttpServletRequest http) {
          record(http);
        }
      }
    }

    private void record(HttpServletRequest request) {
      try {
        HttpSession session = request.getSession(false);
        if (session != null
            && session.getAttribute(HttpSessionBridge.SESSION_KEY_ATTRIBUTE) instanceof String key) {
          ids.put(key, session.getId());
        }
      } catch (IllegalStateException invalidated) {
        // The request logged out: the session's release is under way.
      }
    }
  }
}
