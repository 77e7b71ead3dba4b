package dev.farewell.sample;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code POST /logout}: releases the login's session now and answers 303 to {@code /}. */
final class LogoutServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private final transient Logins logins;

  LogoutServlet(Logins logins) {
    this.logins = logins;
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Login.of(request).ifPresent(login -> logins.logout(login, request.getSession(false)));
    response.setStatus(303);
    response.setHeader("Location", "/");
  }
}
