package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseAction;
import dev.farewell.ReleaseReason;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Which HttpSession a release invalidates, and that every session seen is remembered. */
class HttpSessionBridgeInvalidationTest {

  /** A session that records its invalidation; attributes in a concurrent map. */
  static HttpSession session(AtomicBoolean invalidated) {
    Map<String, Object> attributes = new ConcurrentHashMap<>();
    return (HttpSession) Proxy.newProxyInstance(
        HttpSessionBridgeInvalidationTest.class.getClassLoader(), new Class<?>[] {HttpSession.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "getAttribute" -> {
            if (invalidated.get()) {
              throw new IllegalStateException("invalidated");
            }
            yield attributes.get((String) args[0]);
          }
          case "setAttribute" -> {
            if (invalidated.get()) {
              throw new IllegalStateException("invalidated");
            }
            attributes.put((String) args[0], args[1]);
            yield null;
          }
          case "removeAttribute" -> {
            attributes.remove((String) args[0]);
            yield null;
          }
          case "invalidate" -> {
            invalidated.set(true);
            yield null;
          }
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          case "toString" -> "session";
          default -> null;
        });
  }

  static Release release(String key, ReleaseReason reason) {
    Instant now = Instant.now();
    return new Release(key, reason, Map.of(), now, now, now, now);
  }

  /**
   * The application clears the session's attributes (its own logout keeping the HttpSession, as
   * SessionAttributesRemovedTest's application does for one attribute) and the user signs in
   * again: the next page gets a new key. The old key still maps to the same HttpSession, so the
   * TIMEOUT/EXIT of the old key's last page (an old tab closed) must not invalidate the
   * HttpSession that now belongs to the new key, and its login.
   */
  @Test
  void theReleaseOfAnAbandonedKeyDoesNotInvalidateTheSessionNowUnderAnotherKey() throws Exception {
    HttpSessionBridge bridge = HttpSessionBridge.create();
    ReleaseAction action = bridge.invalidateOnRelease();
    AtomicBoolean invalidated = new AtomicBoolean();
    HttpSession session = session(invalidated);

    String first = bridge.keyFor(session);
    session.removeAttribute(HttpSessionBridge.SESSION_KEY_ATTRIBUTE); // attributes cleared
    String second = bridge.keyFor(session);
    assertThat(second).isNotEqualTo(first);

    action.run(release(first, ReleaseReason.EXIT)); // the old tab closed

    assertThat(invalidated).as("the HttpSession now under another key").isFalse();
  }

  /**
   * A million HttpSessions the bridge remembers and the container still holds, each seen once:
   * e.g. sessions of an overload that the engine refused (FULL, so never released, so never
   * removed by invalidateOnRelease) and that live until the container's session timeout, or an
   * engine whose maximumSessions was raised above a million. A session that comes after them is
   * remembered all the same, and its EXIT/TIMEOUT release invalidates its HttpSession.
   */
  @Test
  void aUserAfterAMillionOneShotSessionsIsStillInvalidatedOnRelease() throws Exception {
    HttpSessionBridge bridge = HttpSessionBridge.create();
    ReleaseAction action = bridge.invalidateOnRelease();
    List<HttpSession> heldByTheContainer = new ArrayList<>();
    for (int i = 0; i < 1_000_000; i++) {
      HttpSession oneShot = new OneShotSession();
      heldByTheContainer.add(oneShot);
      bridge.keyFor(oneShot);
    }
    AtomicBoolean invalidated = new AtomicBoolean();
    HttpSession user = session(invalidated);
    String key = null;
    for (int page = 0; page < 20; page++) {
      key = bridge.keyFor(user);
    }

    action.run(release(key, ReleaseReason.TIMEOUT));

    assertThat(invalidated).as("the user's HttpSession invalidated on TIMEOUT").isTrue();
  }

  /**
   * An application that moves a session's attributes into a new HttpSession (a session fixation
   * defence) and invalidates the old one: the key lives on in the new session, whose pages beat.
   * The old one's destruction must neither release the key nor make the bridge forget the new
   * session (a later EXIT or TIMEOUT must still invalidate it).
   */
  @Test
  void theDestructionOfAnHttpSessionKeepsTheKeyAnotherCarriesOn() throws Exception {
    HttpSessionBridge bridge = HttpSessionBridge.create();
    try (Farewell farewell = Farewell.newBuilder()
        .releaseExecutor(Runnable::run)
        .releaseAction(bridge.invalidateOnRelease())
        .build()) {
      HttpSessionListener listener = bridge.listener(farewell);
      HttpSession old = session(new AtomicBoolean());
      String key = bridge.keyFor(old);
      farewell.track(key); // a page of the user's login
      AtomicBoolean movedInvalidated = new AtomicBoolean();
      HttpSession moved = session(movedInvalidated);
      moved.setAttribute(HttpSessionBridge.SESSION_KEY_ATTRIBUTE, key);
      assertThat(bridge.keyFor(moved)).isEqualTo(key);
      farewell.track(key); // the next page, served with the moved session

      listener.sessionDestroyed(new HttpSessionEvent(old));

      assertThat(farewell.session(key)).as("the Farewell session the moved one carries").isPresent();
      assertThat(bridge.remembers(key)).as("the moved HttpSession's entry").isTrue();
      bridge.invalidateOnRelease().run(release(key, ReleaseReason.TIMEOUT));
      assertThat(movedInvalidated).as("the moved HttpSession invalidated on TIMEOUT").isTrue();
    }
  }

  /** A small HttpSession with one attribute slot, to hold a million of them. */
  static final class OneShotSession implements HttpSession {
    private volatile Object key;

    @Override public Object getAttribute(String name) {
      return HttpSessionBridge.SESSION_KEY_ATTRIBUTE.equals(name) ? key : null;
    }
    @Override public void setAttribute(String name, Object value) {
      if (HttpSessionBridge.SESSION_KEY_ATTRIBUTE.equals(name)) {
        key = value;
      }
    }
    @Override public long getCreationTime() { return 0; }
    @Override public String getId() { return ""; }
    @Override public long getLastAccessedTime() { return 0; }
    @Override public jakarta.servlet.ServletContext getServletContext() { return null; }
    @Override public void setMaxInactiveInterval(int interval) {}
    @Override public int getMaxInactiveInterval() { return 0; }
    @Override public java.util.Enumeration<String> getAttributeNames() {
      return java.util.Collections.emptyEnumeration();
    }
    @Override public void removeAttribute(String name) {}
    @Override public void invalidate() {}
    @Override public boolean isNew() { return false; }
  }
}
