package dev.farewell.sample;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.io.Serializable;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * One login of the demo, kept in the {@code HttpSession}: the user, the Farewell session key under
 * which it holds a seat, and the ticket of the legacy SSO server.
 */
record Login(String sessionId, String user, String ssoTicket) implements Serializable {

  static final String SESSION_ATTRIBUTE = "dev.farewell.sample.login";
  static final String USER_ATTRIBUTE = "user";
  static final String TICKET_ATTRIBUTE = "ssoTicket";
  private static final SecureRandom RANDOM = new SecureRandom();

  static Login create(String user) {
    return new Login(randomId(), user, "ST-" + randomId());
  }

  static Optional<Login> of(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (session == null) {
      return Optional.empty();
    }
    try {
      Object login = session.getAttribute(SESSION_ATTRIBUTE);
      return (login instanceof Login) ? Optional.of((Login) login) : Optional.empty();
    } catch (IllegalStateException invalidated) {
      return Optional.empty();
    }
  }

  private static String randomId() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
