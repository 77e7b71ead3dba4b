package dev.farewell.sample;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/** {@code /app} and {@code /app/other}: the two pages of the app, each carrying the snippet. */
final class AppServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private final transient Logins logins;

  AppServlet(Logins logins) {
    this.logins = logins;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String path = request.getRequestURI();
    boolean other = path.equals("/app/other");
    if (!other && !path.equals("/app")) {
      Html.send(response, 404, "Not found", "<h1>Not found</h1><p><a href=\"/app\">App</a></p>");
      return;
    }
    Optional<Login> found = logins.current(request);
    if (found.isEmpty()) {
      response.setStatus(303);
      response.setHeader("Location", "/");
      return;
    }
    Login login = found.get();
    Optional<String> script = logins.pageServed(login, request);
    if (script.isEmpty()) {
      response.setStatus(303);
      response.setHeader("Location", "/");
      return;
    }
    Html.send(
        response,
        200,
        other ? "Other page" : "App",
        "<h1 id=\"title\">"
            + (other ? "Another page of the app" : "Hello, " + Html.escape(login.user()))
            + "</h1>"
            + "<p>This page holds your seat. Close the tab and the seat frees itself; reload it"
            + " or follow the link and it stays yours.</p>"
            + "<p id=\"status\" class=\"status\">Session live.</p>"
            + "<p><a id=\"other\" href=\""
            + (other ? "/app" : "/app/other")
            + "\">"
            + (other ? "Back to the first page" : "Another page of the app")
            + "</a> · <a href=\"/dashboard\" target=\"_blank\">Dashboard</a></p>"
            + "<form method=\"post\" action=\"/logout\"><button id=\"logout\">Log out</button>"
            + "</form>\n"
            + "<script>\n"
            + "window.farewellReleased = null;\n"
            + "window.farewellRestored = 0;\n"
            + "addEventListener('pageshow', function (e) {"
            + " if (e.persisted) { window.farewellRestored++; } });\n"
            + "addEventListener('farewell:released', function (e) {\n"
            + "  window.farewellReleased = String((e.detail && e.detail.reason) || 'released');\n"
            + "  var s = document.getElementById('status');\n"
            + "  s.textContent = 'Your session has ended (' + window.farewellReleased + ').';\n"
            + "  s.className = 'status released';\n"
            + "});\n"
            + "</script>\n"
            + script.get());
  }
}
