package dev.farewell.sample;

import dev.farewell.SessionView;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** {@code GET /api/me}, {@code /api/sessions} and {@code /api/releases}: JSON for scripts. */
final class ApiServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private final transient Logins logins;

  ApiServlet(Logins logins) {
    this.logins = logins;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String path = request.getRequestURI();
    switch (path) {
      case "/api/me":
        me(request, response);
        break;
      case "/api/sessions":
        sessions(response);
        break;
      case "/api/releases":
        List<ReleaseRecord> releases = logins.releaseLog().entries();
        Json.send(response, 200, json -> Json.releases(json, releases));
        break;
      default:
        Json.error(response, 404, "no such resource");
    }
  }

  private void me(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Optional<Login> found = logins.current(request);
    if (found.isEmpty()) {
      Json.error(response, 401, "not logged in");
      return;
    }
    Login login = found.get();
    String token = logins.token(login);
    Json.send(
        response,
        200,
        json -> {
          json.writeStartObject();
          json.writeStringField("user", login.user());
          json.writeStringField("sessionId", login.sessionId());
          json.writeStringField("token", token);
          json.writeEndObject();
        });
  }

  private void sessions(HttpServletResponse response) throws IOException {
    List<SessionView> sessions = logins.engine().snapshot();
    sessions.sort(Comparator.comparing(SessionView::trackedAt));
    Json.send(
        response,
        200,
        json -> {
          json.writeStartArray();
          for (SessionView s : sessions) {
            json.writeStartObject();
            json.writeStringField("sessionId", s.sessionKey());
            json.writeStringField("user", Json.user(s));
            json.writeFieldName("pages");
            Json.pages(json, s.pages());
            json.writeEndObject();
          }
          json.writeEndArray();
        });
  }
}
