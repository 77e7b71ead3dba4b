package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Regression tests (from a review) of {@link ScriptInjectionFilter} / {@link InjectingResponse}: response shapes the
 * filter's own test does not cover, in real Jetty 12 and Tomcat 11. Each test names the behaviour
 * the filter promises ("works as without the filter", "not a page that already carries the tag").
 */
class ScriptInjectionFilterPageShapesTest {

  static final Pattern TAG = ScriptInjectionFilterTest.TAG;

  /** A head whose inline script builds a print window: "</head><body>" inside a JS string. */
  static final String SCRIPT_PAGE = "<!doctype html><html><head><title>Print</title>"
      + "<script>function printable(){return '<html><head></head><body>'+x+'</body></html>';}"
      + "</script></head><body><p>hi</p></body></html>";

  @Nested
  class InJetty extends Shapes {
    @Override
    ServletContainer newContainer() {
      return new JettyContainer();
    }
  }

  @Nested
  class InTomcat extends Shapes {
    @Override
    ServletContainer newContainer() {
      return new TomcatContainer();
    }
  }

  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  abstract static class Shapes {
    private FilteredApplication application;
    private Browser browser;

    abstract ServletContainer newContainer();

    @BeforeAll
    void start() throws Exception {
      application = new FilteredApplication(newContainer(), new OkHttpClient.Builder(),
          (servlet, context) -> {
            ScriptInjectionFilter.newBuilder(servlet).exclude("/login").build().register(context);
            context.addServlet("shapes", new ShapeServlet()).addMapping("/page/*", "/login");
          }, "/page/login");
      browser = application.browser;
    }

    @AfterAll
    void stop() throws Exception {
      application.close();
    }

    private static int tags(String body) {
      return FilteredApplication.tags(body);
    }

    /*
     * Regression (found in review): InjectingResponse.insertionPoint (InjectingResponse.java:308-332) takes the first
     * "</head" or "<body" bytes anywhere, without knowing it is inside a <script> (or a comment,
     * or an attribute). A head whose inline script merely contains the text "</head>" puts the tag
     * inside the application's JavaScript string: the tag's own "</script>" then ends the
     * application's script element early, breaking its JavaScript and printing the rest of it as
     * text; and the Farewell tag never runs (the page never beats).
     */
    @Test
    void aHeadScriptThatContainsTheTextOfAHeadEndKeepsItsJavaScriptIntactAndTheTagGoesBeforeTheRealHeadEnd() {
      String body = browser.get("/page/script-string", Map.of()).body();

      assertThat(tags(body)).isEqualTo(1);
      assertThat(body).as(body)
          .contains("return '<html><head></head><body>'+x+'</body></html>';}</script>");
      assertThat(body).as(body).containsPattern("</script>" + TAG.pattern() + "</head><body><p>hi");
    }

    /*
     * Regression (found in review): the "page already carries the tag" check (InjectingResponse.release, line 267) only
     * looks at the bytes before the insertion point. A page that puts the tag where scripts often
     * go, at the end of its body, gets a second tag before </head>: the snippet runs twice, as two
     * pages, and scriptTag is called for nothing (docs/zero-code.md and the class javadoc promise
     * "not a page that already carries the tag").
     */
    @Test
    void aPageThatCarriesTheTagAtTheEndOfItsBodyGetsNoSecondOne() {
      String body = browser.get("/page/tagged-at-end", Map.of()).body();

      assertThat(tags(body)).as(body).isEqualTo(1);
    }

    /*
     * Regression (found in review): InjectingResponse.flushBuffer (line 137-144) and Stream.flush do nothing until the
     * insertion point has been written: a watched page that calls flushBuffer() is not committed
     * (isCommitted() stays false, no bytes reach the browser), whereas the class javadoc promises
     * "flushBuffer ... work as without the filter". An application that streams a progress page,
     * or that relies on isCommitted() after a flush, behaves differently once the jar is dropped in.
     */
    @Test
    void flushBufferCommitsAWatchedPageAsItDoesWithoutTheFilter() {
      String body = browser.get("/page/flush-commits", Map.of()).body();

      assertThat(body).as(body).contains("<title>committed=true</title>");
    }

    /*
     * Regression (found in review): InjectingResponse.getWriter (line 122-134) fixes the writer's charset when getWriter
     * is called, but the container never learns a writer is in use (the wrapper writes to the
     * container's output stream), so a later setContentType("...;charset=UTF-8") changes the
     * Content-Type header while the bytes stay ISO-8859-1. Without the filter the container ignores
     * the late charset (Servlet spec: after getWriter it has no effect) and header and bytes agree.
     * With the filter "Café" reaches the browser as "Caf\uFFFD" (fails in Tomcat; Jetty agrees).
     */
    @Test
    void aCharsetSetAfterGetWriterLeavesHeaderAndBytesAgreeingAsWithoutTheFilter() {
      Browser.Answer answer = browser.get("/page/charset-after-writer", Map.of());
      String type = answer.header("Content-Type");
      Matcher charset = Pattern.compile("charset=([^;]+)").matcher(type.toLowerCase(Locale.ROOT));
      assertThat(charset.find()).as(type).isTrue();
      String decoded = new String(answer.bytes(), Charset.forName(charset.group(1).trim()));

      assertThat(decoded).as("Content-Type %s", type).contains("<title>Caf\u00e9</title>");
    }

    /*
     * Regression (found in review): ScriptInjectionFilter.watched (ScriptInjectionFilter.java:124) matches the include
     * and exclude patterns against the raw, undecoded getRequestURI(), not the path the container
     * mapped (getServletPath() + getPathInfo()). The same excluded page, reached as
     * /login;jsessionid=… (URL rewriting, encodeURL) or /%6Cogin, is served by the same servlet
     * but gets the tag: scriptTag then gives an anonymous session a key and starts watching it,
     * and with the drop-in's invalidateOnRelease its HttpSession is ended when that tab closes.
     */
    @Test
    void anExcludedPathStaysExcludedWithAPathParameterOrAnEncodedLetter() {
      assertThat(tags(browser.get("/login", Map.of()).body())).isZero();

      assertThat(tags(browser.get("/login;jsessionid=abc", Map.of()).body())).isZero();
      assertThat(tags(browser.get("/%6Cogin", Map.of()).body())).isZero();
    }
  }

  static final class ShapeServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      if (request.getPathInfo() == null) {
        response.setContentType("text/html;charset=utf-8");
        response.getWriter().print("<!doctype html><html><head><title>Log in</title></head>"
            + "<body><form method=post></form></body></html>");
        return;
      }
      String shape = request.getPathInfo().substring(1);
      switch (shape) {
        case "login" -> {
          request.getSession(true);
          response.setStatus(200);
        }
        case "script-string" -> {
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print(SCRIPT_PAGE);
        }
        case "tagged-at-end" -> {
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print("<!doctype html><html><head><title>t</title></head><body>"
              + "<p>hi</p>" + FarewellServlet.from(getServletContext()).scriptTag(request)
              + "</body></html>");
        }
        case "flush-commits" -> {
          response.setContentType("text/html;charset=utf-8");
          PrintWriter out = response.getWriter();
          out.print("<!doctype html><html><head>");
          response.flushBuffer();
          out.print("<title>committed=" + response.isCommitted() + "</title></head><body></body>"
              + "</html>");
        }
        case "charset-after-writer" -> {
          response.setContentType("text/html");
          PrintWriter out = response.getWriter();
          response.setContentType("text/html;charset=UTF-8");
          out.print("<!doctype html><html><head><title>Caf\u00e9</title></head><body></body>"
              + "</html>");
        }
        default -> response.sendError(404);
      }
    }
  }
}
