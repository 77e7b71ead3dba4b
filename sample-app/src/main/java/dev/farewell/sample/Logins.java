package dev.farewell.sample;

import dev.farewell.Farewell;
import dev.farewell.Release;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ties the demo's logins together: the seat, the {@code HttpSession} and the Farewell session of
 * each login. Thread-safe.
 */
final class Logins implements HttpSessionListener {

  private static final Logger log = LoggerFactory.getLogger(Logins.class);

  private final Seats seats;
  private final ReleaseLog releaseLog;
  private final Map<String, HttpSession> httpSessions = new ConcurrentHashMap<>();
  private volatile Farewell engine;

  Logins(Seats seats, ReleaseLog releaseLog) {
    this.seats = seats;
    this.releaseLog = releaseLog;
  }

  void engine(Farewell engine) {
    this.engine = engine;
  }

  Farewell engine() {
    return engine;
  }

  Seats seats() {
    return seats;
  }

  ReleaseLog releaseLog() {
    return releaseLog;
  }

  /**
   * The login of the request's {@code HttpSession}, if it still holds its seat. A login whose seat
   * was freed (its pages went away, possibly on another instance) is ended here.
   */
  Optional<Login> current(HttpServletRequest request) {
    Optional<Login> login = Login.of(request);
    if (login.isPresent() && !seats.holds(login.get().sessionId())) {
      invalidate(request.getSession(false));
      return Optional.empty();
    }
    return login;
  }

  /** Records a new login in {@code session} and starts tracking its Farewell session. */
  void bind(Login login, HttpSession session) {
    session.setAttribute(Login.SESSION_ATTRIBUTE, login);
    httpSessions.put(login.sessionId(), session);
    engine.track(login.sessionId(), attributes(login));
  }

  /**
   * Tells the engine that a page of the login is being served: it starts tracking the session
   * again if needed and cancels a pending exit grace (the user is on a new page).
   *
   * @return false if the session was released meanwhile (its release action may still be on its
   *     way): the login is over and must not start a new session under the same key
   */
  boolean pageServed(Login login, HttpSession session) {
    if (engine.session(login.sessionId()).isEmpty()) {
      seats.free(login.sessionId());
      httpSessions.remove(login.sessionId());
      invalidate(session);
      return false;
    }
    engine.track(login.sessionId(), attributes(login));
    return true;
  }

  private static Map<String, String> attributes(Login login) {
    return Map.of(Login.USER_ATTRIBUTE, login.user(), Login.TICKET_ATTRIBUTE, login.ssoTicket());
  }

  /** Ends a login at the user's request: releases its session now and frees its seat. */
  void logout(Login login, HttpSession session) {
    engine.release(login.sessionId());
    seats.free(login.sessionId());
    httpSessions.remove(login.sessionId());
    invalidate(session);
  }

  /** The release action of the demo: frees the seat, logs the release, ends the HttpSession. */
  void released(Release release) {
    String sessionId = release.sessionKey();
    seats.free(sessionId);
    String user = release.attributes().getOrDefault(Login.USER_ATTRIBUTE, "?");
    releaseLog.append(
        new ReleaseRecord(
            sessionId, user, release.reason(), release.lastSignalAt(), release.releasedAt()));
    log.info(
        "Released {} ({}) with {}, {} ms after its last signal",
        sessionId,
        user,
        release.reason(),
        release.sinceLastSignal().toMillis());
    invalidate(httpSessions.remove(sessionId));
  }

  @Override
  public void sessionDestroyed(HttpSessionEvent event) {
    Object login = event.getSession().getAttribute(Login.SESSION_ATTRIBUTE);
    if (login instanceof Login) {
      String sessionId = ((Login) login).sessionId();
      if (httpSessions.remove(sessionId) != null && engine != null && !engine.isClosed()) {
        // The HttpSession timed out while its pages were still open somewhere: end the login.
        engine.release(sessionId);
        seats.free(sessionId);
      }
    }
  }

  private static void invalidate(HttpSession session) {
    if (session != null) {
      try {
        session.invalidate();
      } catch (IllegalStateException alreadyInvalidated) {
        // Nothing to do.
      }
    }
  }
}
