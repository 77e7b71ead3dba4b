package dev.farewell.sample;

import dev.farewell.Farewell;
import dev.farewell.Release;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ties the demo's logins together: the seat, the {@code HttpSession} and the Farewell session of
 * each login. Thread-safe.
 */
final class Logins {

  private static final Logger log = LoggerFactory.getLogger(Logins.class);

  private final Seats seats;
  private final ReleaseLog releaseLog;
  private volatile Wiring wiring;

  Logins(Seats seats, ReleaseLog releaseLog) {
    this.seats = seats;
    this.releaseLog = releaseLog;
  }

  void wiring(Wiring wiring) {
    this.wiring = wiring;
  }

  Farewell engine() {
    return wiring.engine();
  }

  Seats seats() {
    return seats;
  }

  ReleaseLog releaseLog() {
    return releaseLog;
  }

  static Map<String, String> attributes(Login login) {
    return Map.of(Login.USER_ATTRIBUTE, login.user(), Login.TICKET_ATTRIBUTE, login.ssoTicket());
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

  /** Records a new login in the request's {@code HttpSession} and starts tracking it. */
  void bind(Login login, HttpServletRequest request) {
    request.getSession().setAttribute(Login.SESSION_ATTRIBUTE, login);
    wiring.track(request, login);
  }

  /**
   * Renders the snippet of an app page being served, which tells the engine the session is in use
   * (and cancels a pending exit grace: the user is on a new page).
   *
   * @return the script element, or empty if the session was released meanwhile (its release
   *     action may still be on its way): the login is over and must not start a new session
   */
  Optional<String> pageServed(Login login, HttpServletRequest request) {
    if (engine().session(login.sessionId()).isEmpty()) {
      seats.free(login.sessionId());
      invalidate(request.getSession(false));
      return Optional.empty();
    }
    return Optional.of(wiring.scriptTag(request, login));
  }

  /** A page token of {@code login}, for scripts. */
  String token(Login login) {
    return wiring.token(login);
  }

  /**
   * Ends a login at the user's request: frees the seat and invalidates the {@code HttpSession},
   * whose destruction releases the session ({@code EXPLICIT}) through the HttpSession bridge.
   */
  void logout(Login login, HttpSession session) {
    engine().release(login.sessionId());
    seats.free(login.sessionId());
    invalidate(session);
  }

  /** The demo's own release action: frees the seat and logs the release. */
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
