package dev.farewell.servlet;

import static dev.farewell.servlet.FilteredApplication.BARE;
import static dev.farewell.servlet.FilteredApplication.tags;
import static dev.farewell.servlet.FilteredApplication.untagged;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The page after its head went out with the tag (the filter decides it at the insertion point), and
 * pages the filter must leave as the application wrote them, in Jetty 12 and Tomcat 11.
 */
class ScriptInjectionFilterAfterHeadTest {

  @Nested
  class InJetty extends Cases {
    @Override
    ServletContainer newContainer() {
      return new JettyContainer();
    }
  }

  @Nested
  class InTomcat extends Cases {
    @Override
    ServletContainer newContainer() {
      return new TomcatContainer();
    }
  }

  static final String HEAD = "<!doctype html><html><head><title>t</title></head>";

  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  abstract static class Cases {
    private FilteredApplication application;
    private Browser browser;

    abstract ServletContainer newContainer();

    @BeforeAll
    void start() throws Exception {
      application = FilteredApplication.withBareSwitch(newContainer(), new OkHttpClient.Builder(),
          new LateServlet(), "/late/*");
      browser = application.browser;
    }

    @AfterAll
    void stop() throws Exception {
      application.close();
    }

    /*
     * A page that asks for its tag after its head went out with the filter's (a JSP with
     * <farewell:script/> at the end of its body) carries one tag: scriptTag gives "" then.
     */
    @Test
    void aPageThatAsksForItsTagAtTheEndOfItsBodyAfterWritingItsHeadGetsOneTag() {
      for (String shape : new String[] {"late-tag-writer", "late-tag-stream"}) {
        Browser.Answer answer = browser.get("/late/" + shape, Map.of());
        assertThat(answer.code()).isEqualTo(200);
        assertThat(tags(answer.body())).as(shape + ": " + answer.body()).isEqualTo(1);
      }
    }


    /* A charset the JDK decodes but cannot encode: the page is served as without the filter. */
    @Test
    void aPageInADecodeOnlyCharsetIsServedAsWithoutTheFilter() {
      Browser.Answer bare = browser.get("/late/decode-only", Map.of(BARE, "1"));
      Browser.Answer filtered = browser.get("/late/decode-only", Map.of());
      assertThat(bare.code()).isEqualTo(200);
      assertThat(filtered.code()).as(filtered.body()).isEqualTo(bare.code());
      assertThat(untagged(filtered.body())).isEqualTo(bare.body());
    }

    /*
     * A logout page: the application invalidates the session, then renders a 200 page. The
     * request was watched when it came in; a tag would take getSession(true): a new anonymous
     * session with a key, tracked, and a token.
     */
    @Test
    void aPageServedAfterItsSessionWasInvalidatedGetsNoTagAndNoNewSession() {
      Browser own = application.newBrowser();
      assertThat(own.get("/late/login", Map.of()).code()).isEqualTo(200);
      Browser.Answer answer = own.get("/late/logout", Map.of());
      assertThat(answer.code()).isEqualTo(200);
      Browser bareOwn = application.newBrowser();
      assertThat(bareOwn.get("/late/login", Map.of()).code()).isEqualTo(200);
      Browser.Answer bare = bareOwn.get("/late/logout", Map.of(BARE, "1"));
      assertThat(tags(answer.body())).as(answer.body()).isZero();
      assertThat(answer.headers().keySet().stream().filter(h -> h.equalsIgnoreCase("Set-Cookie")))
          .as("filtered %s, bare %s", answer.headers(), bare.headers()).isEmpty();
    }

    /* An application's Content-Length header the container would take (or ignore) as it is. */
    @Test
    void aContentLengthHeaderTheFilterCannotParseIsNotA500() {
      Browser.Answer bare = browser.get("/late/odd-length", Map.of(BARE, "1"));
      Browser.Answer filtered = browser.get("/late/odd-length", Map.of());
      assertThat(filtered.code()).as(filtered.body()).isEqualTo(bare.code());
    }

    /*
     * A page that carries the snippet's path before its insertion point gets no tag, so it goes
     * out as the application wrote it: with the Content-Length it set (as the filter did before).
     */
    @Test
    void aPageThatCarriesTheSnippetKeepsItsContentLength() {
      Browser.Answer bare = browser.get("/late/carries-with-length", Map.of(BARE, "1"));
      Browser.Answer filtered = browser.get("/late/carries-with-length", Map.of());
      assertThat(tags(filtered.body())).isZero();
      assertThat(filtered.body()).isEqualTo(bare.body());
      assertThat(bare.header("Content-Length")).isNotNull();
      assertThat(filtered.header("Content-Length")).as(filtered.headers().toString())
          .isEqualTo(bare.header("Content-Length"));
    }

    /*
     * A page that asks for its tag after the filter's went out (and gets ""), then resets and
     * writes itself again without asking: the page written again gets the filter's tag.
     */
    @Test
    void aPageResetAfterALateTagCallGetsTheFiltersTag() {
      Browser.Answer answer = browser.get("/late/late-tag-then-reset", Map.of());
      assertThat(answer.code()).isEqualTo(200);
      assertThat(tags(answer.body())).as(answer.body()).isEqualTo(1);
      assertThat(untagged(answer.body())).isEqualTo(HEAD + "<body>again</body>");
    }

    /* resetBuffer after the tag went out, then the page again: one tag. */
    @Test
    void aPageResetAfterItsTagGetsOneTag() {
      Browser.Answer answer = browser.get("/late/reset-after-tag", Map.of());
      assertThat(answer.code()).isEqualTo(200);
      assertThat(tags(answer.body())).as(answer.body()).isEqualTo(1);
      assertThat(untagged(answer.body())).isEqualTo(HEAD + "<body>second</body>");
    }
  }

  static final class LateServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String shape = request.getPathInfo().substring(1);
      response.setContentType("text/html;charset=utf-8");
      FarewellServlet farewell = FarewellServlet.from(getServletContext());
      switch (shape) {
        case "late-tag-writer" -> {
          PrintWriter out = response.getWriter();
          out.print(HEAD);
          out.print("<body><p>hi</p>");
          out.print(farewell.scriptTag(request));
          out.print("</body></html>");
        }
        case "late-tag-stream" -> {
          OutputStream out = response.getOutputStream();
          out.write(utf8(HEAD + "<body><p>hi</p>"));
          out.write(utf8(farewell.scriptTag(request) + "</body></html>"));
        }
        case "decode-only" -> {
          response.setContentType("text/html;charset=x-JISAutoDetect");
          response.getOutputStream().write(utf8(HEAD + "<body>hi</body>"));
        }
        case "late-tag-then-reset" -> {
          PrintWriter out = response.getWriter();
          out.print(HEAD + "<body><p>hi</p>");
          out.print(farewell.scriptTag(request));
          response.reset();
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print(HEAD + "<body>again</body>");
        }
        case "reset-after-tag" -> {
          PrintWriter out = response.getWriter();
          out.print(HEAD + "<body>first");
          response.resetBuffer();
          out.print(HEAD + "<body>second</body>");
        }
        case "carries-with-length" -> {
          byte[] page = utf8("<!doctype html><html><head><script src=\"/farewell/farewell.js\""
              + " data-token=\"x\" defer></script></head><body>" + "z".repeat(20000)
              + "</body></html>");
          response.setContentLength(page.length);
          OutputStream out = response.getOutputStream();
          out.write(page, 0, 100);
          out.write(page, 100, page.length - 100);
        }
        case "login" -> {
          request.getSession(true).setAttribute("user", "u");
          response.getWriter().print("ok");
        }
        case "logout" -> {
          request.getSession(true).invalidate();
          response.getWriter().print(HEAD + "<body>You are logged out</body>");
        }
        case "odd-length" -> {
          response.setHeader("Content-Length", "unknown");
          response.getWriter().print(HEAD + "<body>odd</body>");
        }
        default -> response.sendError(404);
      }
    }

    private static byte[] utf8(String text) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
  }
}
