package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.Release;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/**
 * The filter copies session attributes (sessionAttributes("ticket")); a page asks for its token
 * after the filter's tag went out, with attributes of its own (pageToken(request, {user})): the
 * application's later call replaces the attributes the filter tracked the session with (its own
 * win, as "replace those of an earlier call" says).
 */
class ScriptInjectionFilterLateTokenTest {

  @Test
  void inJetty() throws Exception {
    run(new JettyContainer());
  }

  private void run(ServletContainer container) throws Exception {
    List<Release> released = new CopyOnWriteArrayList<>();
    try (FilteredApplication application = new FilteredApplication(container,
        new OkHttpClient.Builder(),
        Farewell.newBuilder()
            .heartbeatInterval(Duration.ofMillis(500))
            .heartbeatTimeout(Duration.ofSeconds(1))
            .openTimeout(Duration.ofSeconds(1))
            .onRelease(released::add),
        (servlet, context) -> {
          ScriptInjectionFilter.newBuilder(servlet).sessionAttributes("ticket").build()
              .register(context);
          context.addServlet("pages", new Pages(servlet)).addMapping("/p/*");
        }, "/p/login")) {
      Browser.Answer page = application.browser.get("/p/late", Map.of());
      assertThat(FilteredApplication.tags(page.body())).as(page.body()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(8)).until(() -> !released.isEmpty());
      assertThat(released.get(0).attributes())
          .as("the application's own attributes, given after the filter's tag")
          .containsEntry("user", "alice");
    }
  }

  static final class Pages extends HttpServlet {
    private final transient FarewellServlet farewell;

    Pages(FarewellServlet farewell) {
      this.farewell = farewell;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String shape = request.getPathInfo().substring(1);
      response.setContentType("text/html;charset=utf-8");
      PrintWriter out = response.getWriter();
      switch (shape) {
        case "login" -> {
          request.getSession(true).setAttribute("ticket", "T-1");
          out.print("ok");
        }
        case "late" -> {
          out.print("<!doctype html><html><head><title>t</title></head><body>");
          String token = farewell.pageToken(request, Map.of("user", "alice"));
          out.print("<p data-token=\"x" + token.length() + "\">hi</p></body></html>");
        }
        default -> response.sendError(404);
      }
    }
  }
}
