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
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/**
 * A page that writes its head, then redirects (or sends an error) before anything was committed,
 * reaches the browser as the redirect alone: no page, no token. The filter makes the tag at the
 * insertion point but tracks the session only once the page goes out, so a session that never had
 * a Farewell page is not released after the open timeout (with invalidateOnRelease, its
 * HttpSession would be invalidated).
 */
class ScriptInjectionFilterDiscardedPageTest {

  @Test
  void inJetty() throws Exception {
    run(new JettyContainer());
  }

  @Test
  void inTomcat() throws Exception {
    run(new TomcatContainer());
  }

  private void run(ServletContainer container) throws Exception {
    List<Release> released = new CopyOnWriteArrayList<>();
    Farewell farewell = Farewell.newBuilder()
        .heartbeatInterval(Duration.ofMillis(500))
        .heartbeatTimeout(Duration.ofSeconds(1))
        .openTimeout(Duration.ofSeconds(1))
        .onRelease(released::add)
        .build();
    OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(20))
        .followRedirects(false).build();
    try {
      FarewellServlet servlet = FarewellServlet.newBuilder(farewell).build();
      URI base = container.start((classes, context) -> {
        servlet.register(context);
        ScriptInjectionFilter.newBuilder(servlet).build().register(context);
        context.addServlet("pages", new Pages()).addMapping("/p/*");
      });
      Browser browser = new Browser(base, http);
      assertThat(browser.get("/p/login", Map.of()).code()).isEqualTo(200);
      for (String shape : new String[] {"redirect", "error", "throw"}) {
        Browser.Answer answer = browser.get("/p/" + shape, Map.of());
        assertThat(answer.code()).as(shape).isIn(302, 404, 500);
        if (!shape.equals("throw")) {
          // (Tomcat sends what a failed page wrote before it threw as the error's body, tag and
          // all; Jetty its own error page. Either way the filter tracks no session for it.)
          assertThat(FilteredApplication.tags(answer.body())).as(shape).isZero();
        }
      }
      Thread.sleep(4000);
      assertThat(released).as("sessions released that never had a page with a token").isEmpty();

      // The same session's page that does go out with its tag is tracked: never opened, it is
      // released after the open timeout.
      Browser.Answer page = browser.get("/p/page", Map.of());
      assertThat(FilteredApplication.tags(page.body())).isEqualTo(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> !released.isEmpty());
    } finally {
      container.close();
      farewell.close();
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  static final class Pages extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String shape = request.getPathInfo().substring(1);
      response.setContentType("text/html;charset=utf-8");
      PrintWriter out = response.getWriter();
      switch (shape) {
        case "login" -> {
          request.getSession(true);
          out.print("ok");
        }
        case "redirect" -> {
          out.print("<!doctype html><html><head><title>t</title></head><body>");
          response.sendRedirect("/elsewhere");
        }
        case "error" -> {
          out.print("<!doctype html><html><head><title>t</title></head><body>");
          response.sendError(404);
        }
        case "throw" -> {
          out.print("<!doctype html><html><head><title>t</title></head><body>");
          throw new IllegalStateException("the page failed after its head");
        }
        case "page" -> out.print("<!doctype html><html><head><title>t</title></head><body>hi");
        default -> response.sendError(404);
      }
    }
  }
}
