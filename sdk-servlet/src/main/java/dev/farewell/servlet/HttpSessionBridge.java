package dev.farewell.servlet;

import static java.util.Objects.requireNonNull;

import dev.farewell.Farewell;
import dev.farewell.ReleaseAction;
import dev.farewell.ReleaseReason;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * {@code HttpSession} of each key in a map with weak values, emptied as sessions are destroyed (and
 * of the sessions the container dropped without telling, once they are collected): an entry per key
 * a live {@code HttpSession} was given, until the engine releases the key (a session whose
 * attributes the application cleared gets a new key on its next page; the old key's entry stays
 * until its release). A release invalidates an {@code HttpSession} only while it still carries the
 * released key. The destruction of an {@code HttpSession} releases its key, unless another live
 * {@code HttpSession} carries that key on (the application moved the attributes into a new one).
 * Instances are thread-safe.
 */
public final class HttpSessionBridge {

  private static final Logger logger = LoggerFactory.getLogger(HttpSessionBridge.class);

  /** The {@code HttpSession} attribute that holds the session's Farewell key. */
  public static final String SESSION_KEY_ATTRIBUTE = "dev.farewell.sessionKey";

  /** Set on an {@code HttpSession} that the engine released, just before it is invalidated. */
  static final String RELEASED_ATTRIBUTE = "dev.farewell.released";

  private static final SecureRandom RANDOM = new SecureRandom();

  // A page of a known session reads this map once, without upkeep: a cache's read buffer and its
  // drains cost a sixth of a page's tag. The entries of collected sessions go when a caller
  // finds them queued.
  private final ConcurrentHashMap<String, SessionReference> sessions = new ConcurrentHashMap<>();
  private final ReferenceQueue<HttpSession> collected = new ReferenceQueue<>();

  /** The weak reference to a remembered session, which knows its key for its removal. */
  private static final class SessionReference extends WeakReference<HttpSession> {
    final String key;

    SessionReference(String key, HttpSession session, ReferenceQueue<HttpSession> queue) {
      super(session, queue);
      this.key = key;
    }
  }

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
      SessionReference remembered = sessions.remove(release.sessionKey());
      HttpSession session = remembered == null ? null : remembered.get();
      if (session != null
          && (release.reason() == ReleaseReason.EXIT || release.reason() == ReleaseReason.TIMEOUT)
          && release.sessionKey().equals(storedKey(session))) {
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
    return Optional.ofNullable(storedKey(session));
  }

  /** The key stored in {@code session}, or null (also when it is invalidated). */
  private static String storedKey(HttpSession session) {
    try {
      return session.getAttribute(SESSION_KEY_ATTRIBUTE) instanceof String key ? key : null;
    } catch (IllegalStateException invalidated) {
      return null;
    }
  }

  /** Returns the Farewell key of {@code session}, storing a new random one if it has none. */
  String keyFor(HttpSession session) {
    String key = storedKey(session);
    if (key == null) {
      // Two first requests of one session may race; the session object is the usual mutex.
      synchronized (session) {
        key = storedKey(session);
        if (key == null) {
          byte[] random = new byte[18];
          RANDOM.nextBytes(random);
          key = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
          session.setAttribute(SESSION_KEY_ATTRIBUTE, key);
        }
      }
    }
    forgetCollected();
    SessionReference remembered = sessions.get(key);
    if (remembered == null || remembered.get() != session) {
      sessions.put(key, new SessionReference(key, session, collected));
    }
    return key;
  }

  /** Removes the entries of sessions that were collected (only those very entries). */
  private void forgetCollected() {
    Reference<? extends HttpSession> cleared;
    while ((cleared = collected.poll()) != null) {
      SessionReference reference = (SessionReference) cleared;
      sessions.remove(reference.key, reference);
    }
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
    String key = storedKey(session);
    if (key == null) {
      return;
    }
    SessionReference remembered = sessions.get(key);
    HttpSession holder = remembered == null ? null : remembered.get();
    if (holder != null && holder != session) {
      // Another HttpSession carries the key on (the application moved the attributes into a new
      // one, then invalidated this one): its Farewell session, and its entry, live on.
      return;
    }
    if (remembered != null) {
      sessions.remove(key, remembered);
    }
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
    SessionReference remembered = sessions.get(key);
    return remembered != null && remembered.get() != null;
  }
}
