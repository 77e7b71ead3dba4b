package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/**
 * Reload of a slow page: the old page sends its exit (exit grace pending), the new page of the
 * same session goes out with its tag at once (its head and a body longer than the container's
 * buffer are on the wire: the response is committed by the buffer filling, no flush), then the
 * page takes longer than the exit grace to finish. The session, tracked before, is tracked again
 * as the tag is made, which cancels the grace: nothing is released while the new page loads.
 */
class ScriptInjectionFilterSlowReloadTest {

  private static final Pattern TOKEN = Pattern.compile("data-token=\"([^\"]+)\"");

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
    try (FilteredApplication application = new FilteredApplication(container,
        new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(30)),
        Farewell.newBuilder().exitGrace(Duration.ofSeconds(1)).onRelease(released::add),
        (servlet, context) -> {
          ScriptInjectionFilter.newBuilder(servlet).build().register(context);
          context.addServlet("pages", new Pages()).addMapping("/p/*");
        }, "/p/login")) {
      Browser browser = application.browser;
      Browser.Answer first = browser.get("/p/page", Map.of());
      Matcher m = TOKEN.matcher(first.body());
      assertThat(m.find()).as(first.body()).isTrue();
      String token = m.group(1);
      String pageId = "page-" + UUID.randomUUID().toString().substring(0, 8);
      assertThat(browser.beacon(BeaconEndpointContract.message("open", token, pageId, 1, false))
          .code()).isEqualTo(200);
      // The user reloads: the old page says goodbye, the new one is requested at once.
      assertThat(browser.beacon(BeaconEndpointContract.message("exit", token, pageId, 2, null))
          .body()).contains("exiting");
      long start = System.nanoTime();
      Browser.Answer slow = browser.get("/p/slow", Map.of());
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(FilteredApplication.tags(slow.body())).isEqualTo(1);
      Thread.sleep(300);
      assertThat(released)
          .as("released while its new page (tag on the wire since its start, %d ms to finish)"
              + " was loading", tookMs)
          .isEmpty();
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
        case "page" -> out.print("<!doctype html><html><head><title>t</title></head><body>hi");
        case "slow" -> {
          out.print("<!doctype html><html><head><title>t</title></head><body>");
          // longer than the container's buffer: committed and on the wire, without a flush
          out.print("<p>row</p>".repeat(30_000));
          if (!response.isCommitted()) {
            throw new IllegalStateException("the buffer did not commit the response");
          }
          try {
            Thread.sleep(2500); // a slow report
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          out.print("</body></html>");
        }
        default -> response.sendError(404);
      }
    }
  }
}
