package dev.farewell.sample;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/** {@code GET /}: the login form; {@code POST /login}: takes a seat or answers 409. */
final class LoginServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final int MAXIMUM_USER_LENGTH = 64;

  private final transient Logins logins;

  LoginServlet(Logins logins) {
    this.logins = logins;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (!"/".equals(request.getRequestURI())) {
      Html.send(response, 404, "Not found", "<h1>Not found</h1><p><a href=\"/\">Home</a></p>");
      return;
    }
    Seats seats = logins.seats();
    String status =
        "<p class=\"seats\">Seats taken: <b id=\"seats-in-use\">"
            + seats.inUse()
            + "</b> of "
            + seats.capacity()
            + "</p>";
    Optional<Login> login = logins.current(request);
    if (login.isPresent()) {
      Html.send(
          response,
          200,
          "Welcome back",
          "<h1>Logged in as "
              + Html.escape(login.get().user())
              + "</h1>"
              + status
              + "<p><a id=\"to-app\" href=\"/app\">Open the app</a></p>"
              + "<form method=\"post\" action=\"/logout\"><button>Log out</button></form>");
      return;
    }
    Html.send(
        response,
        200,
        "Log in",
        "<h1>Log in</h1>"
            + status
            + "<p>Only a few users may be logged in at once. Close your tab and your seat frees"
            + " itself within seconds; watch it on the <a href=\"/dashboard\">dashboard</a>.</p>"
            + "<form method=\"post\" action=\"/login\">"
            + "<label>User name <input name=\"user\" required maxlength=\"64\" autofocus></label>"
            + " <button>Log in</button></form>");
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (logins.current(request).isPresent()) {
      response.setStatus(303);
      response.setHeader("Location", "/app");
      return;
    }
    String user = clean(request.getParameter("user"));
    if (user.isEmpty()) {
      Html.send(
          response,
          400,
          "Log in",
          "<h1>Enter a user name</h1><p>The form needs a user name of 1 to "
              + MAXIMUM_USER_LENGTH
              + " characters. <a href=\"/\">Back</a></p>");
      return;
    }
    Login login = Login.create(user);
    if (!logins.seats().take(login.sessionId(), user)) {
      Html.send(
          response,
          409,
          "All seats taken",
          "<h1>All seats are taken</h1><p id=\"full\">All "
              + logins.seats().capacity()
              + " seats of this demo are in use. A seat frees itself a few seconds after its"
              + " user closes their tab; try again then.</p><p><a href=\"/\">Back</a> · <a"
              + " href=\"/dashboard\">Dashboard</a></p>");
      return;
    }
    request.getSession(true);
    request.changeSessionId();
    logins.bind(login, request);
    response.setStatus(303);
    response.setHeader("Location", "/app");
  }

  private static String clean(String user) {
    if (user == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    user.strip()
        .codePoints()
        .filter(c -> !Character.isISOControl(c))
        .limit(MAXIMUM_USER_LENGTH)
        .forEach(out::appendCodePoint);
    return out.toString();
  }
}
