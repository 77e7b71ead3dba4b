package dev.farewell.servlet;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.farewell.Farewell;
import dev.farewell.ReleaseAction;
import dev.farewell.ReleaseReason;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ties each {@link HttpSession} to its Farewell session, both ways: when the container destroys an
 * {@code HttpSession} (logout, container timeout) the engine releases it as {@code EXPLICIT}; and,
 * with {@link #invalidateOnRelease()} added to the engine, when the engine releases a session for
 * {@code EXIT} or {@code TIMEOUT} its {@code HttpSession} is invalidated. Either way the session is
 * released once.
 *
 * <pre>{@code
 * HttpSessionBridge httpSessions = HttpSessionBridge.create();
 * Farewell farewell = Farewell.newBuilder()
 *     .releaseAction(httpSessions.invalidateOnRelease())
 *     .build();
 * FarewellServlet servlet = FarewellServlet.newBuilder(farewell)
 *     .httpSessionBridge(httpSessions)
 *     .build();
 * }</pre>
 *
 * <p>The Farewell key of an {@code HttpSession} is a random id stored in it, never the container's
 * session id (pages carry the key; the container's id is a credential). The bridge remembers the
 * {@code HttpSession} of each key in a map with weak values and a maximum size, emptied as sessions
 * are destroyed. Instances are thread-safe.
 */
public final class HttpSessionBridge {

  private static final Logger logger = LoggerFactory.getLogger(HttpSessionBridge.class);

  /** The {@code HttpSession} attribute that holds the session's Farewell key. */
  public static final String SESSION_KEY_ATTRIBUTE = "dev.farewell.sessionKey";

  /** Set on an {@code HttpSession} that the engine released, just before it is invalidated. */
  static final String RELEASED_ATTRIBUTE = "dev.farewell.released";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long MAXIMUM_SESSIONS = 1_000_000;

  // Caffeine's upkeep (its read buffer, the cleared weak values) runs on the thread that calls it,
  // never waiting for its lock: handed to a pool instead, it woke a thread about every 17 pages.
  private final Cache<String, HttpSession> sessions =
      Caffeine.newBuilder().weakValues().maximumSize(MAXIMUM_SESSIONS)
          .executor(Runnable::run).build();

  private HttpSessionBridge() {}

  /** Returns a new bridge; give the same one to the engine and to the servlet. */
  public static HttpSessionBridge create() {
    return new HttpSessionBridge();
  }

  /**
   * Returns the release action that invalidates a session's {@code HttpSession} when the engine
   * releases it for {@link ReleaseReason#EXIT} or {@link ReleaseReason#TIMEOUT} (the user left,
   * so the server-side login goes too). {@code EXPLICIT} and {@code SHUTDOWN} releases leave the
   * {@code HttpSession} alone. Add it to {@link Farewell.Builder#releaseAction(ReleaseAction)}.
   */
  public ReleaseAction invalidateOnRelease() {
    return release -> {
      HttpSession session = sessions.asMap().remove(release.sessionKey());
      if (session != null
          && (release.reason() == ReleaseReason.EXIT || release.reason() == ReleaseReason.TIMEOUT)) {
        try {
          session.setAttribute(RELEASED_ATTRIBUTE, Boolean.TRUE);
          session.invalidate();
        } catch (IllegalStateException alreadyInvalidated) {
          logger.debug("HttpSession of session {} was already invalidated", release.sessionKey());
        }
      }
      return CompletableFuture.completedFuture(null);
    };
  }

  /** Returns the Farewell key stored in {@code session}, or empty. Never throws. */
  static Optional<String> keyOf(HttpSession session) {
    try {
      Object key = session.getAttribute(SESSION_KEY_ATTRIBUTE);
      return key instanceof String ? Optional.of((String) key) : Optional.empty();
    } catch (IllegalStateException invalidated) {
      return Optional.empty();
    }
  }

  /** Returns the Farewell key of {@code session}, storing a new random one if it has none. */
  String keyFor(HttpSession session) {
    String key;
    // Two first requests of one session may race; the session object is the usual mutex.
    synchronized (session) {
      key = keyOf(session).orElse(null);
      if (key == null) {
        byte[] random = new byte[18];
        RANDOM.nextBytes(random);
        key = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        session.setAttribute(SESSION_KEY_ATTRIBUTE, key);
      }
    }
    // A read is cheaper than a write in the cache, and a page of a known session only reads.
    if (sessions.getIfPresent(key) != session) {
      sessions.put(key, session);
    }
    return key;
  }

  /** Returns the listener that releases a session when its {@code HttpSession} is destroyed. */
  HttpSessionListener listener(Farewell farewell) {
    requireNonNull(farewell, "farewell");
    return new HttpSessionListener() {
      @Override
      public void sessionDestroyed(HttpSessionEvent event) {
        destroyed(event.getSession(), farewell);
      }
    };
  }

  private void destroyed(HttpSession session, Farewell farewell) {
    String key = keyOf(session).orElse(null);
    if (key == null) {
      return;
    }
    sessions.asMap().remove(key);
    try {
      if (session.getAttribute(RELEASED_ATTRIBUTE) == null) {
        farewell.release(key);
      }
    } catch (RuntimeException e) {
      // A listener must not break the container's invalidation.
      logger.warn("Could not release session {} when its HttpSession was destroyed", key, e);
    }
  }

  /** Whether the bridge still holds the {@code HttpSession} of {@code key} (for tests). */
  boolean remembers(String key) {
    return sessions.getIfPresent(key) != null;
  }
}
