package dev.farewell.servlet;

import static dev.farewell.servlet.FilteredApplication.BARE;
import static dev.farewell.servlet.FilteredApplication.TAG;
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
 * {@link ScriptInjectionFilter} at the insertion point, where the page stops being held: what is
 * decided there (the status), an insertion point split between writes, and the limit of what is
 * held, in real Jetty 12 and Tomcat 11, each page compared with the same page without the filter.
 */
class ScriptInjectionFilterInsertionPointTest {

  @Nested
  class InJetty extends InsertionPoints {
    @Override
    ServletContainer newContainer() {
      return new JettyContainer();
    }
  }

  @Nested
  class InTomcat extends InsertionPoints {
    @Override
    ServletContainer newContainer() {
      return new TomcatContainer();
    }
  }

  static final String HEAD_START = "<!doctype html><html><head><title>Caf\u00e9 \u20ac</title>"
      + "<meta name=\"description\" content=\"a page written in pieces\">";
  static final String PAGE = HEAD_START + "</head><body><p>\u00fcber</p></body></html>";
  static final int HEAD_END = PAGE.indexOf("</head>");

  /**
   * A page whose {@code </head>} ends {@code past} characters after the held limit (0: its {@code
   * >} is the last character the filter looks at), in ASCII, so that bytes and characters count
   * alike.
   */
  static String pageAtTheLimit(int past) {
    String start = "<html><head><title>t</title><!-- ";
    String end = " --></head><body><p>hi</p></body></html>";
    // the index of the > of </head> is start + padding + " -->".length() + "</head".length()
    int padding = HeldPage.MAXIMUM - 1 + past - start.length() - 4 - 6;
    return start + "x".repeat(padding) + end;
  }

  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  abstract static class InsertionPoints {
    private FilteredApplication application;
    private Browser browser;

    abstract ServletContainer newContainer();

    @BeforeAll
    void start() throws Exception {
      application = FilteredApplication.withBareSwitch(newContainer(), new OkHttpClient.Builder(),
          new PointServlet(), "/point/*");
      browser = application.browser;
    }

    @AfterAll
    void stop() throws Exception {
      application.close();
    }

    /** The page through the filter, after checking that it is the page without, tag aside. */
    private Browser.Answer asWithoutTheFilter(String shape) {
      Browser.Answer filtered = browser.get("/point/" + shape, Map.of());
      Browser.Answer bare = browser.get("/point/" + shape, Map.of(BARE, "1"));

      assertThat(filtered.code()).as(shape).isEqualTo(bare.code());
      assertThat(untagged(filtered.body())).as(shape).isEqualTo(bare.body());
      return filtered;
    }

    @Test
    void aStatusSetAfterTheFirstWriteButBeforeTheInsertionPointLeavesThePageAlone() {
      for (String shape : new String[] {"status-in-head-writer", "status-in-head-stream"}) {
        Browser.Answer answer = asWithoutTheFilter(shape);

        assertThat(answer.code()).as(shape).isEqualTo(404);
        assertThat(answer.body()).as(shape).isEqualTo(PAGE);
      }
    }

    /*
     * The tag is decided at the insertion point and the rest of the page is not held: a status set
     * after </head> was written, even before the response is committed, does not take the tag
     * back. (sendError does: it discards the page, tag and all; see the endings test.)
     */
    @Test
    void aStatusSetAfterTheInsertionPointWasWrittenLeavesTheTagIn() {
      for (String shape : new String[] {"status-after-head-writer", "status-after-head-stream"}) {
        Browser.Answer answer = asWithoutTheFilter(shape);

        assertThat(answer.code()).as(shape).isEqualTo(404);
        assertThat(tags(answer.body())).as(shape).isEqualTo(1);
        assertThat(answer.body()).as(shape).containsPattern(TAG.pattern() + "</head>");
        assertThat(untagged(answer.body())).as(shape).isEqualTo(PAGE);
      }
    }

    @Test
    void aHeadEndSplitBetweenTwoWritesGetsTheTagRightBeforeIt() {
      // every split from just before "</head>" to just after it, through the writer and the stream
      for (int split = HEAD_END - 1; split <= HEAD_END + "</head>".length() + 1; split++) {
        for (String shape : new String[] {"split-writer", "split-stream"}) {
          Browser.Answer answer = asWithoutTheFilter(shape + "?at=" + split);

          assertThat(answer.code()).isEqualTo(200);
          assertThat(tags(answer.body())).as(shape + " " + split).isEqualTo(1);
          assertThat(answer.body()).as(shape + " " + split)
              .containsPattern("</title><meta [^>]+>" + TAG.pattern() + "</head><body>");
        }
      }
    }

    @Test
    void aHeadEndSplitInThreeWritesWithAShortOneBetweenGetsTheTagRightBeforeIt() {
      // "...</h" + "e" + "ad>...": the middle write is one character long
      for (String shape : new String[] {"three-writer", "three-stream"}) {
        Browser.Answer answer = asWithoutTheFilter(shape);

        assertThat(tags(answer.body())).as(shape).isEqualTo(1);
        assertThat(answer.body()).as(shape).containsPattern(TAG.pattern() + "</head><body>");
      }
    }

    @Test
    void anInsertionPointWhoseLastCharacterIsTheLastOneHeldGetsTheTagAndOneAfterItDoesNot() {
      for (String shape : new String[] {"limit-writer", "limit-stream", "limit-stream-pieces"}) {
        Browser.Answer within = asWithoutTheFilter(shape + "?past=0");
        Browser.Answer beyond = asWithoutTheFilter(shape + "?past=1");

        assertThat(tags(within.body())).as(shape).isEqualTo(1);
        assertThat(within.body()).as(shape).containsPattern(" -->" + TAG.pattern() + "</head>");
        assertThat(beyond.body()).as(shape).isEqualTo(pageAtTheLimit(1));
      }
    }

    @Test
    void aPageWithoutInsertionPointInTheFirst64KiOfOneWriteArrivesUntouchedWithItsLength() {
      Browser.Answer answer = asWithoutTheFilter("no-point-one-write");

      String page = noPointPage();
      assertThat(answer.body()).isEqualTo(page);
      assertThat(answer.header("Content-Length"))
          .isEqualTo(String.valueOf(page.getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void aPageWrittenInOneWriteLongerThanTheLimitGetsTheTagAtAnInsertionPointWithinIt() {
      for (String shape : new String[] {"long-one-write-writer", "long-one-write-stream"}) {
        Browser.Answer answer = asWithoutTheFilter(shape);

        assertThat(tags(answer.body())).as(shape).isEqualTo(1);
        assertThat(answer.body()).as(shape).containsPattern(TAG.pattern() + "</head>");
        assertThat(answer.bytes().length).as(shape).isGreaterThan(2 * HeldPage.MAXIMUM);
      }
    }
  }

  /** A page of twice the held limit whose head has no end and that has no body tag. */
  static String noPointPage() {
    return "<html><head><title>t</title>" + "<p>no head end, no body</p>\n".repeat(
        2 * HeldPage.MAXIMUM / 28);
  }

  static final class PointServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String shape = request.getPathInfo().substring(1);
      response.setContentType("text/html;charset=utf-8");
      switch (shape) {
        case "status-in-head-writer" -> {
          PrintWriter out = response.getWriter();
          out.print(HEAD_START);
          response.setStatus(404);
          out.print(PAGE.substring(HEAD_START.length()));
        }
        case "status-in-head-stream" -> {
          OutputStream out = response.getOutputStream();
          out.write(utf8(HEAD_START));
          response.setStatus(404);
          out.write(utf8(PAGE.substring(HEAD_START.length())));
        }
        case "status-after-head-writer" -> {
          response.getWriter().print(PAGE);
          response.setStatus(404);
        }
        case "status-after-head-stream" -> {
          response.getOutputStream().write(utf8(PAGE));
          response.setStatus(404);
        }
        case "split-writer" -> {
          int at = Integer.parseInt(request.getParameter("at"));
          PrintWriter out = response.getWriter();
          out.print(PAGE.substring(0, at));
          out.print(PAGE.substring(at));
        }
        case "split-stream" -> {
          int at = Integer.parseInt(request.getParameter("at"));
          OutputStream out = response.getOutputStream();
          out.write(utf8(PAGE.substring(0, at)));
          out.write(utf8(PAGE.substring(at)));
        }
        case "three-writer" -> {
          PrintWriter out = response.getWriter();
          out.print(PAGE.substring(0, HEAD_END + 3));
          out.print(PAGE.substring(HEAD_END + 3, HEAD_END + 4));
          out.print(PAGE.substring(HEAD_END + 4));
        }
        case "three-stream" -> {
          OutputStream out = response.getOutputStream();
          out.write(utf8(PAGE.substring(0, HEAD_END + 3)));
          out.write(utf8(PAGE.substring(HEAD_END + 3, HEAD_END + 4)));
          out.write(utf8(PAGE.substring(HEAD_END + 4)));
        }
        case "limit-writer" -> response.getWriter().print(limitPage(request));
        case "limit-stream" -> response.getOutputStream().write(utf8(limitPage(request)));
        case "limit-stream-pieces" -> {
          byte[] page = utf8(limitPage(request));
          OutputStream out = response.getOutputStream();
          for (int at = 0; at < page.length; at += 1000) {
            out.write(page, at, Math.min(1000, page.length - at));
          }
        }
        case "no-point-one-write" -> {
          byte[] page = utf8(noPointPage());
          response.setContentLength(page.length);
          response.getOutputStream().write(page);
        }
        case "long-one-write-writer" -> response.getWriter().print(longPage());
        case "long-one-write-stream" -> response.getOutputStream().write(utf8(longPage()));
        default -> response.sendError(404);
      }
    }

    private static String limitPage(HttpServletRequest request) {
      return pageAtTheLimit(Integer.parseInt(request.getParameter("past")));
    }

    private static String longPage() {
      return HEAD_START + "</head><body>"
          + "<p>\u00fcber \u20ac</p>\n".repeat(3 * HeldPage.MAXIMUM / 10) + "</body></html>";
    }

    private static byte[] utf8(String text) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
  }
}
