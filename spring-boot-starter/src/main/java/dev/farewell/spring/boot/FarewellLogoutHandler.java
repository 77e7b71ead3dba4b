package dev.farewell.spring.boot;

import dev.farewell.Farewell;
import dev.farewell.servlet.FarewellServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.logout.LogoutHandler;

/**
 * Releases the session of a request that logs out, as {@code EXPLICIT}, before Spring Security
 * invalidates the session. Never throws: a logout must go on.
 */
final class FarewellLogoutHandler implements LogoutHandler {

  private static final Logger logger = LoggerFactory.getLogger(FarewellLogoutHandler.class);

  private final Farewell farewell;
  private final FarewellServlet servlet;

  FarewellLogoutHandler(Farewell farewell, FarewellServlet servlet) {
    this.farewell = farewell;
    this.servlet = servlet;
  }

  @Override
  public void logout(
      HttpServletRequest request, HttpServletResponse response, Authentication authentication) {
    HttpSession session = request.getSession(false);
    if (session == null) {
      return;
    }
    servlet.sessionKey(session).ifPresent(key -> {
      try {
        farewell.release(key);
      } catch (RuntimeException e) {
        logger.warn("Could not release session {} at logout", key, e);
      }
    });
  }
}
