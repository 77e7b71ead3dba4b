package dev.farewell.servlet;

import static dev.farewell.servlet.ScriptInjectionFilterTest.PAGE;
import static dev.farewell.servlet.FilteredApplication.BARE;
import static dev.farewell.servlet.FilteredApplication.TAG;
import static dev.farewell.servlet.FilteredApplication.tags;
import static dev.farewell.servlet.FilteredApplication.untagged;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link ScriptInjectionFilter} with pages that end otherwise than written out (an error, a reset,
 * a redirect, an exception, a forward after the page began) once their tag went in, and with the
 * shapes of the filter's list that its other tests leave out (a length set through a header or
 * with the writer, a status other than 200 set by the application, other charsets through the
 * stream, a page written byte by byte, a forwarded page without head), in real Jetty 12 and
 * Tomcat 11: each works as without the filter, which the tests check by asking for the same page
 * with a header that the filter's {@code watchWhen} turns away.
 */
class ScriptInjectionFilterEndingsTest {

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
      application = FilteredApplication.withBareSwitch(newContainer(),
          new OkHttpClient.Builder().followRedirects(false), new EndingServlet(), "/end/*");
      browser = application.browser;
    }

    @AfterAll
    void stop() throws Exception {
      application.close();
    }

    private Browser.Answer page(String shape) {
      return browser.get("/end/" + shape, Map.of());
    }

    /** Returns the page through the filter, after checking it is the page without, tag aside. */
    private Browser.Answer asWithoutTheFilter(String shape) {
      Browser.Answer filtered = page(shape);
      Browser.Answer bare = browser.get("/end/" + shape, Map.of(BARE, "1"));

      assertThat(filtered.code()).as(shape).isEqualTo(bare.code());
      assertThat(filtered.header("Location")).as(shape).isEqualTo(bare.header("Location"));
      assertThat(untagged(filtered.body())).as(shape).isEqualTo(bare.body());
      return filtered;
    }

    @Test
    void anErrorSentAfterTheTagWentInIsSentAndThePageIsNot() {
      Browser.Answer answer = asWithoutTheFilter("error-after-tag");

      assertThat(answer.code()).isEqualTo(500);
      assertThat(answer.body()).doesNotContain("partial");
      assertThat(tags(answer.body())).isZero();
    }

    @Test
    void aPageResetAfterItsTagWentInIsReplacedByTheNextOneWithItsOwnTag() {
      Browser.Answer answer = asWithoutTheFilter("reset-after-tag");

      assertThat(answer.code()).isEqualTo(200);
      assertThat(tags(answer.body())).as(answer.body()).isEqualTo(1);
      assertThat(untagged(answer.body())).isEqualTo(PAGE);
    }

    @Test
    void aRedirectSentAfterTheTagWentInIsSent() {
      Browser.Answer answer = asWithoutTheFilter("redirect-after-tag");

      assertThat(answer.code()).isEqualTo(302);
      assertThat(answer.header("Location")).endsWith("/page/writer");
      assertThat(answer.body()).doesNotContain("partial");
    }

    @Test
    void anExceptionAfterTheTagWentInGivesTheContainersAnswer() {
      // Jetty sends its error page; Tomcat, having had bytes of the page, sends them with 500.
      assertThat(asWithoutTheFilter("exception-after-tag").code()).isEqualTo(500);
    }

    @Test
    void whatWasWrittenBeforeAForwardIsNotSentAndTheForwardedPageGetsTheTag() {
      Browser.Answer answer = asWithoutTheFilter("forward-after-head");

      assertThat(answer.body()).doesNotContain("garbage");
      assertThat(tags(answer.body())).isEqualTo(1);
      assertThat(untagged(answer.body())).isEqualTo(PAGE);
    }

    @Test
    void aForwardedPageWithoutHeadOrBodyArrivesWhole() {
      assertThat(asWithoutTheFilter("forward-fragment").body()).isEqualTo(FRAGMENT);
    }

    @Test
    void aFlushOfTheWriterOrStreamCommitsTheResponseAsWithoutTheFilter() {
      for (String shape : new String[] {"flush-event-stream", "flush-writer-in-head",
          "flush-stream-in-head"}) {
        assertThat(asWithoutTheFilter(shape).body()).as(shape).contains("committed=true");
      }
    }

    @Test
    void aPageThatCarriesTheSnippetInItsHeadOrAskedForItsTokenGetsNoSecondTag() {
      assertThat(page("static-tag-writer").body()).isEqualTo(STATIC_TAG_PAGE);
      assertThat(page("static-tag-stream").body()).isEqualTo(STATIC_TAG_PAGE);

      String own = page("own-token-at-end").body();
      assertThat(tags(own)).as(own).isEqualTo(1);
      assertThat(own).containsPattern(TAG.pattern() + "</body>");
    }

    @Test
    void aLengthSetThroughAHeaderOrWithTheWriterIsRightForThePageWithItsTag() {
      for (String shape : new String[] {"length-header", "length-int-header", "length-writer"}) {
        Browser.Answer answer = page(shape);

        assertThat(tags(answer.body())).as(shape).isEqualTo(1);
        assertThat(untagged(answer.body())).as(shape).isEqualTo(PAGE);
        String length = answer.header("Content-Length");
        if (length != null) {
          assertThat(Integer.parseInt(length)).as(shape).isEqualTo(answer.bytes().length);
        }
      }
    }

    @Test
    void aPageLeftAloneKeepsTheLengthTheApplicationSet() {
      Browser.Answer answer = page("length-status-500");

      assertThat(answer.code()).isEqualTo(500);
      assertThat(answer.body()).isEqualTo(PAGE);
      assertThat(answer.header("Content-Length"))
          .isEqualTo(String.valueOf(PAGE.getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void statusesOtherThan200SetByTheApplicationAreLeftAlone() {
      for (String status : new String[] {"201", "203", "403", "500", "503"}) {
        Browser.Answer answer = page("status-" + status);

        assertThat(answer.code()).isEqualTo(Integer.parseInt(status));
        assertThat(answer.body()).as(status).isEqualTo(PAGE);
      }
    }

    @Test
    void pagesInOtherAsciiCompatibleCharsetsThroughTheStreamKeepTheirBytesAndGetTheTag() {
      for (String charset : new String[] {"ISO-8859-1", "windows-1252", "ISO-8859-15"}) {
        Browser.Answer answer = page("stream-charset-" + charset);

        String body = new String(answer.bytes(), Charset.forName(charset));
        assertThat(tags(body)).as(charset).isEqualTo(1);
        assertThat(untagged(body)).as(charset).isEqualTo(PAGE);
      }
    }

    @Test
    void aPageWrittenByteByByteGetsOneTagAndArrivesWhole() {
      Browser.Answer answer = page("byte-by-byte");

      assertThat(tags(answer.body())).isEqualTo(1);
      assertThat(answer.body()).containsPattern(TAG.pattern() + "</head>");
      assertThat(untagged(answer.body())).isEqualTo(PAGE);
    }
  }

  /** A tag the page carries as text, as a page cached or copied from elsewhere would. */
  static final String STATIC_TAG = "<script src=\"/farewell/farewell.js\" data-token=\"t0ken\""
      + " integrity=\"sha384-x\" data-endpoint=\"/farewell/beacon\" defer></script>";
  static final String STATIC_TAG_PAGE = "<!doctype html><html><head><title>t</title>" + STATIC_TAG
      + "</head><body><p>hi</p></body></html>";
  static final String FRAGMENT = "<p>no head, no body: \u00fcber</p>";

  static final class EndingServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException, ServletException {
      String shape = request.getPathInfo().substring(1);
      byte[] utf8 = PAGE.getBytes(StandardCharsets.UTF_8);
      String begun = "<!doctype html><html><head></head><body><p>partial";
      if (shape.startsWith("status-")) {
        response.setStatus(Integer.parseInt(shape.substring("status-".length())));
        response.setContentType("text/html;charset=utf-8");
        response.getWriter().print(PAGE);
        return;
      }
      if (shape.startsWith("stream-charset-")) {
        String charset = shape.substring("stream-charset-".length());
        response.setContentType("text/html;charset=" + charset);
        response.getOutputStream().write(PAGE.getBytes(Charset.forName(charset)));
        return;
      }
      switch (shape) {
        case "error-after-tag" -> {
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print(begun);
          response.sendError(500);
        }
        case "reset-after-tag" -> {
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print(begun);
          response.resetBuffer();
          response.getWriter().print(PAGE);
        }
        case "redirect-after-tag" -> {
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print(begun);
          response.sendRedirect("/page/writer");
        }
        case "exception-after-tag" -> {
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print(begun);
          throw new ServletException("the page failed half way");
        }
        case "forward-after-head" -> {
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print("<!doctype html><html><head><title>garbage");
          request.getRequestDispatcher("/page/writer").forward(request, response);
        }
        case "forward-fragment" -> request.getRequestDispatcher("/end/fragment")
            .forward(request, response);
        case "fragment" -> {
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print(FRAGMENT);
        }
        case "length-header" -> {
          response.setContentType("text/html;charset=utf-8");
          response.setHeader("Content-Length", String.valueOf(utf8.length));
          response.getOutputStream().write(utf8);
        }
        case "length-int-header" -> {
          response.setContentType("text/html;charset=utf-8");
          response.setIntHeader("Content-Length", utf8.length);
          response.getOutputStream().write(utf8);
        }
        case "length-writer" -> {
          response.setContentType("text/html;charset=utf-8");
          response.setContentLength(utf8.length);
          response.getWriter().print(PAGE);
        }
        case "length-status-500" -> {
          response.setStatus(500);
          response.setContentType("text/html;charset=utf-8");
          response.setContentLength(utf8.length);
          response.getOutputStream().write(utf8);
        }
        case "flush-event-stream" -> {
          // a server-sent event stream commits its headers at once, so the browser knows it
          response.setContentType("text/event-stream");
          PrintWriter out = response.getWriter();
          out.flush();
          out.print("data: committed=" + response.isCommitted() + "\n\n");
        }
        case "flush-writer-in-head" -> {
          response.setContentType("text/html;charset=utf-8");
          PrintWriter out = response.getWriter();
          out.print("<!doctype html><html><head>");
          out.flush();
          out.print("<title>committed=" + response.isCommitted() + "</title></head><body></body>"
              + "</html>");
        }
        case "flush-stream-in-head" -> {
          response.setContentType("text/html;charset=utf-8");
          ServletOutputStream out = response.getOutputStream();
          out.print("<!doctype html><html><head>");
          out.flush();
          out.print("<title>committed=" + response.isCommitted() + "</title></head><body></body>"
              + "</html>");
        }
        case "static-tag-writer" -> {
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print(STATIC_TAG_PAGE);
        }
        case "static-tag-stream" -> {
          response.setContentType("text/html;charset=utf-8");
          response.getOutputStream().write(STATIC_TAG_PAGE.getBytes(StandardCharsets.UTF_8));
        }
        case "own-token-at-end" -> {
          // the page starts the snippet itself, with a token it asked for
          String token = FarewellServlet.from(getServletContext()).pageToken(request);
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print(STATIC_TAG_PAGE.replace(STATIC_TAG, "")
              .replace("</body>", STATIC_TAG.replace("t0ken", token) + "</body>"));
        }
        case "byte-by-byte" -> {
          response.setContentType("text/html;charset=utf-8");
          ServletOutputStream out = response.getOutputStream();
          for (byte b : utf8) {
            out.write(b);
          }
        }
        default -> response.sendError(404);
      }
    }
  }
}
