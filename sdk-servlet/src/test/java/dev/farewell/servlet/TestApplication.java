package dev.farewell.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The application under test, set up the way a user would: {@link FarewellServlet#register} from a
 * {@link ServletContainerInitializer}, and an app servlet that serves pages with tokens.
 *
 * <ul>
 *   <li>{@code GET /app/page?user=u}: the page's token (and the session cookie)
 *   <li>{@code GET /app/login?user=u}: starts watching the session at login, answers the result
 *   <li>{@code GET /app/tag[?nonce=n]}: the script tag (400 with the message for a bad nonce)
 *   <li>{@code GET /app/key}: the session's Farewell key, or 404
 *   <li>{@code POST /app/logout}: invalidates the HttpSession
 * </ul>
 *
 * <p>A filter records every exception that escapes the Farewell servlet.
 */
final class TestApplication implements ServletContainerInitializer {

  final FarewellServlet farewellServlet;
  final Queue<Throwable> escaped = new ConcurrentLinkedQueue<>();

  TestApplication(FarewellServlet farewellServlet) {
    this.farewellServlet = farewellServlet;
  }

  @Override
  public void onStartup(Set<Class<?>> classes, ServletContext context) {
    farewellServlet.register(context);
    context.addServlet("app", new AppServlet()).addMapping("/app/*");
    Filter recorder =
        (request, response, chain) -> {
          try {
            chain.doFilter(request, response);
          } catch (IOException | RuntimeException | jakarta.servlet.ServletException e) {
            escaped.add(e);
            throw e;
          }
        };
    context
        .addFilter("escaped", recorder)
        .addMappingForUrlPatterns(
            EnumSet.of(jakarta.servlet.DispatcherType.REQUEST),
            false,
            farewellServlet.basePath() + "/*");
  }

  private final class AppServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String path = String.valueOf(request.getPathInfo());
      switch (path) {
        case "/page":
          String user = request.getParameter("user");
          text(response, farewellServlet.pageToken(
              request, user == null ? Map.of() : Map.of("user", user)));
          break;
        case "/login":
          text(response, farewellServlet.track(
              request, Map.of("user", request.getParameter("user"))).status().name());
          break;
        case "/tag":
          String nonce = request.getParameter("nonce");
          try {
            text(response, nonce == null
                ? farewellServlet.scriptTag(request)
                : farewellServlet.scriptTag(request, Map.of(), nonce));
          } catch (IllegalArgumentException e) {
            response.setStatus(400);
            text(response, e.getMessage());
          }
          break;
        case "/key":
          HttpSession session = request.getSession(false);
          String key = session == null ? null : farewellServlet.sessionKey(session).orElse(null);
          if (key == null) {
            response.setStatus(404);
          } else {
            text(response, key);
          }
          break;
        case "/logout":
          HttpSession current = request.getSession(false);
          if (current != null) {
            current.invalidate();
          }
          response.setStatus(204);
          break;
        default:
          response.setStatus(404);
      }
    }

    private void text(HttpServletResponse response, String text) throws IOException {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      response.setContentType("text/plain;charset=utf-8");
      response.setContentLength(bytes.length);
      response.getOutputStream().write(bytes);
    }
  }
}
