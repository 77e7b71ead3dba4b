package dev.farewell.servlet;

import static dev.farewell.servlet.FilteredApplication.tags;
import static dev.farewell.servlet.FilteredApplication.untagged;
import static dev.farewell.servlet.FilteredApplication.BARE;
import static dev.farewell.servlet.ScriptInjectionFilterEndingsTest.STATIC_TAG_PAGE;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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
 * {@link ScriptInjectionFilter} with page shapes its other tests leave out, each compared with the
 * same page served without the filter, in real Jetty 12 and Tomcat 11.
 */
class ScriptInjectionFilterShapesTest {

  @Nested
  class InJetty extends Shapes {
    @Override
    ServletContainer newContainer() {
      return new JettyContainer();
    }

    @Override
    boolean containerReencodesAfterReset() {
      return true;
    }
  }

  @Nested
  class InTomcat extends Shapes {
    @Override
    ServletContainer newContainer() {
      return new TomcatContainer();
    }

    @Override
    boolean containerReencodesAfterReset() {
      return false;
    }
  }

  static final String UNICODE_PAGE = "<!doctype html><html><head><title>Caf\u00e9 \u20ac</title>"
      + "</head><body><p>\u00fcber \u20ac</p></body></html>";

  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  abstract static class Shapes {
    private FilteredApplication application;
    private Browser browser;

    abstract ServletContainer newContainer();

    /**
     * Whether the container's writer taken after {@code reset()} encodes in the charset set after
     * it. Jetty's does; Tomcat 11 keeps the encoder of the writer taken before the reset (its
     * output buffer keeps its converter), with or without the filter.
     */
    abstract boolean containerReencodesAfterReset();

    @BeforeAll
    void start() throws Exception {
      application = FilteredApplication.withBareSwitch(newContainer(), new OkHttpClient.Builder(),
          new ReviewServlet(), "/review/*");
      browser = application.browser;
    }

    @AfterAll
    void stop() throws Exception {
      application.close();
    }

    private Browser.Answer page(String shape) {
      return browser.get("/review/" + shape, Map.of());
    }

    private Browser.Answer bare(String shape) {
      return browser.get("/review/" + shape, Map.of(BARE, "1"));
    }

    @Test
    void aPageCarryingTheSnippetWrittenInTwoPiecesSplitInItsPathGetsNoSecondTagStream() {
      String body = page("static-tag-split-stream").body();

      assertThat(tags(body)).as(body).isEqualTo(1);
    }

    @Test
    void aPageCarryingTheSnippetWrittenInTwoPiecesSplitInItsPathGetsNoSecondTagWriter() {
      String body = page("static-tag-split-writer").body();

      assertThat(tags(body)).as(body).isEqualTo(1);
    }

    @Test
    void aPageRewrittenAfterResetInAnotherCharsetIsEncodedInThatCharset() {
      Browser.Answer filtered = page("reset-charset");
      Browser.Answer without = bare("reset-charset");

      assertThat(untagged(filtered.body())).isEqualTo(without.body());
      if (containerReencodesAfterReset()) {
        assertThat(without.body()).isEqualTo(UNICODE_PAGE);
      }
    }

    @Test
    void anAbruptlyClosedCommentDoesNotHideTheInsertionPoint() {
      // "<!-->" is a whole (empty) comment in HTML; the </head> after it is the head's end
      String body = page("abrupt-comment").body();

      assertThat(tags(body)).as(body).isEqualTo(1);
    }
  }

  static final class ReviewServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String shape = request.getPathInfo().substring(1);
      int split = STATIC_TAG_PAGE.indexOf("/farewell/fare") + "/farewell/fare".length();
      switch (shape) {
        case "static-tag-split-stream" -> {
          response.setContentType("text/html;charset=utf-8");
          ServletOutputStream out = response.getOutputStream();
          out.write(STATIC_TAG_PAGE.substring(0, split).getBytes(StandardCharsets.UTF_8));
          out.write(STATIC_TAG_PAGE.substring(split).getBytes(StandardCharsets.UTF_8));
        }
        case "static-tag-split-writer" -> {
          response.setContentType("text/html;charset=utf-8");
          PrintWriter out = response.getWriter();
          out.print(STATIC_TAG_PAGE.substring(0, split));
          out.print(STATIC_TAG_PAGE.substring(split));
        }
        case "reset-charset" -> {
          response.setContentType("text/html;charset=ISO-8859-1");
          response.getWriter().print("<!doctype html><html><head>");
          response.reset();
          response.setContentType("text/html;charset=UTF-8");
          response.getWriter().print(UNICODE_PAGE);
        }
        case "abrupt-comment" -> {
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print("<!doctype html><html><head><!--></head><body><p>hi</p>"
              + "</body></html>");
        }
        default -> response.sendError(404);
      }
    }
  }
}
