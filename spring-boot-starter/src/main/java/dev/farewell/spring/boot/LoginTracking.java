package dev.farewell.spring.boot;

import dev.farewell.servlet.FarewellServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Starts watching a session at login ({@link FarewellServlet#track}), so that the engine's open
 * timeout frees the login of a tab closed before its first page with the tag. Spring Security
 * publishes the event after its session authentication strategies ran (session fixation
 * protection, concurrency control), so the session is the one the login keeps. The session's id
 * travels with the Farewell session ({@link ContainerSessions#SESSION_ID_ATTRIBUTE}), so whichever
 * node runs the release can end it. Never throws: a login must go on.
 */
final class LoginTracking implements ApplicationListener<InteractiveAuthenticationSuccessEvent> {

  private static final Logger logger = LoggerFactory.getLogger(LoginTracking.class);

  private final FarewellServlet servlet;

  LoginTracking(FarewellServlet servlet) {
    this.servlet = servlet;
  }

  @Override
  public void onApplicationEvent(InteractiveAuthenticationSuccessEvent event) {
    RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
    if (!(attributes instanceof ServletRequestAttributes servletAttributes)) {
      return;
    }
    HttpServletRequest request = servletAttributes.getRequest();
    try {
      HttpSession session = request.getSession(false);
      if (session != null) {
        servlet.track(request, Map.of(ContainerSessions.SESSION_ID_ATTRIBUTE, session.getId()));
      }
    } catch (RuntimeException e) {
      logger.warn("Could not start watching the session of a login", e);
    }
  }
}
