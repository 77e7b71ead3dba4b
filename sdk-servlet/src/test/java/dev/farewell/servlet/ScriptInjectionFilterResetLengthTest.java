package dev.farewell.servlet;

import static dev.farewell.servlet.ScriptInjectionFilterTest.PAGE;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/**
 * A Content-Length header that is not a number, then reset(): the container forgets the header,
 * and the docs say a page written after a reset is decided afresh ("the page written next gets
 * its own" tag): the new page, a plain 200 text/html page, gets the tag.
 */
class ScriptInjectionFilterResetLengthTest {

  @Test
  void inJetty() throws Exception {
    run(new JettyContainer());
  }

  @Test
  void inTomcat() throws Exception {
    run(new TomcatContainer());
  }

  private void run(ServletContainer container) throws Exception {
    try (FilteredApplication application = FilteredApplication.withBareSwitch(container,
        new OkHttpClient.Builder(), new Pages(), "/length/*")) {
      Browser.Answer control = application.browser.get("/length/plain", Map.of());
      assertThat(FilteredApplication.tags(control.body())).as("control").isEqualTo(1);

      Browser.Answer answer = application.browser.get("/length/bad-length-then-reset", Map.of());
      assertThat(answer.code()).as(answer.body()).isEqualTo(200);
      assertThat(answer.header("Content-Length")).as("the container forgot the header")
          .isNotEqualTo("abc");
      assertThat(FilteredApplication.tags(answer.body()))
          .as("page written after reset: %s", answer.body()).isEqualTo(1);
    }
  }

  static final class Pages extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String shape = request.getPathInfo().substring(1);
      response.setContentType("text/html;charset=utf-8");
      switch (shape) {
        case "plain" -> response.getWriter().print(PAGE);
        case "bad-length-then-reset" -> {
          try {
            response.setHeader("Content-Length", "abc");
          } catch (RuntimeException e) {
            // Jetty refuses the header itself (NumberFormatException); the app goes on
          }
          response.reset();
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print(PAGE);
        }
        default -> response.sendError(404);
      }
    }
  }
}
