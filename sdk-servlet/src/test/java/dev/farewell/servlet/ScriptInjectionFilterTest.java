package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link ScriptInjectionFilter} in real Jetty 12 and Tomcat 11, one test per response shape: an
 * application servlet writes each shape, a client with a session reads what went over the wire.
 */
class ScriptInjectionFilterTest {

  static final Pattern TAG = FilteredApplication.TAG;
  static final String PAGE = "<!doctype html><html><head><title>Caf\u00e9</title></head>"
      + "<body><p>\u00fcber</p></body></html>";

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
    private Browser anonymous;

    abstract ServletContainer newContainer();

    @BeforeAll
    void start() throws Exception {
      application = new FilteredApplication(newContainer(), new OkHttpClient.Builder(),
          (servlet, context) -> {
            ScriptInjectionFilter.newBuilder(servlet).exclude("/excluded/*").build()
                .register(context);
            context.addServlet("shapes", new ShapeServlet()).addMapping("/page/*", "/excluded/*");
            context.addServlet("fragment", new HttpServlet() {
              @Override
              protected void doGet(HttpServletRequest request, HttpServletResponse response)
                  throws IOException {
                response.getWriter().print("<meta name=included content=yes>");
              }
            }).addMapping("/fragment");
          }, "/page/login");
      browser = application.browser;
      anonymous = application.newBrowser();
    }

    @AfterAll
    void stop() throws Exception {
      application.close();
    }

    private Browser.Answer page(String shape) {
      return browser.get("/page/" + shape, Map.of());
    }

    private static int tags(String body) {
      return FilteredApplication.tags(body);
    }

    private static String untagged(String body) {
      return FilteredApplication.untagged(body);
    }

    @Test
    void aWriterPageGetsOneTagRightBeforeTheEndOfItsHead() {
      Browser.Answer answer = page("writer");

      assertThat(answer.code()).isEqualTo(200);
      assertThat(tags(answer.body())).isEqualTo(1);
      assertThat(answer.body()).containsPattern(TAG.pattern() + "</head>");
      assertThat(untagged(answer.body())).isEqualTo(PAGE);
      assertThat(answer.header("Content-Type")).containsIgnoringCase("charset=utf-8");
    }

    @Test
    void anOutputStreamPageWithItsOwnContentLengthArrivesWholeWithTheTag() {
      Browser.Answer answer = page("stream-length");

      assertThat(tags(answer.body())).isEqualTo(1);
      assertThat(untagged(answer.body())).isEqualTo(PAGE);
      String length = answer.header("Content-Length");
      if (length != null) {
        assertThat(Integer.parseInt(length)).isEqualTo(answer.bytes().length);
      }
    }

    @Test
    void aStreamedPageFlushedWhileItsHeadIsWrittenArrivesWholeWithTheTag() {
      Browser.Answer answer = page("streamed");

      assertThat(tags(answer.body())).isEqualTo(1);
      assertThat(answer.body()).containsPattern(TAG.pattern() + "</head>");
      assertThat(answer.body()).endsWith("</body></html>");
      assertThat(answer.bytes().length).isGreaterThan(200_000);
    }

    @Test
    void aPageWithoutHeadGetsTheTagAtTheStartOfItsBody() {
      Browser.Answer answer = page("nohead");

      assertThat(answer.body()).containsPattern("<body class=\"x\">" + TAG.pattern() + "<p>");
    }

    @Test
    void aLatin1PageKeepsItsCharactersAndGetsTheTag() {
      Browser.Answer answer = page("latin1");

      String body = new String(answer.bytes(), StandardCharsets.ISO_8859_1);
      assertThat(tags(body)).isEqualTo(1);
      assertThat(untagged(body)).isEqualTo(PAGE);
    }

    @Test
    void aUtf16PageIsLeftAlone() {
      Browser.Answer answer = page("utf16");

      assertThat(new String(answer.bytes(), StandardCharsets.UTF_16)).isEqualTo(PAGE);
    }

    @Test
    void jsonAFourOhFourAndADownloadAreLeftAlone() {
      for (String shape : new String[] {"json", "notfound", "attachment"}) {
        Browser.Answer answer = page(shape);
        assertThat(answer.body()).as(shape).isEqualTo(PAGE);
      }
    }

    @Test
    void aPageTheApplicationCompressedIsLeftAlone() throws IOException {
      Browser.Answer answer = browser.get("/page/gzip", Map.of("Accept-Encoding", "gzip"));

      assertThat(answer.header("Content-Encoding")).isEqualTo("gzip");
      assertThat(answer.bytes()).isEqualTo(gzip(PAGE));
    }

    @Test
    void aPageWhoseHeadRunsPastTheHeldLimitArrivesUntouched() {
      Browser.Answer answer = page("longhead");

      assertThat(tags(answer.body())).isZero();
      assertThat(answer.body()).hasSize(LONG_HEAD.length()).isEqualTo(LONG_HEAD);
    }

    @Test
    void aPageThatAlreadyCarriesTheTagGetsNoSecondOne() {
      assertThat(tags(page("tagged").body())).isEqualTo(1);
    }

    @Test
    void theTagCarriesTheNonceOfThePagesContentSecurityPolicy() {
      Browser.Answer answer = page("csp");

      assertThat(answer.body()).contains(" nonce=\"n0nce+/=\" defer></script></head>");
    }

    @Test
    void aForwardedPageGetsTheTagOnce() {
      Browser.Answer answer = page("forward");

      assertThat(tags(answer.body())).as(answer.body()).isEqualTo(1);
      assertThat(untagged(answer.body())).isEqualTo(PAGE);
    }

    @Test
    void aPageWithAnIncludeInItsHeadGetsTheTagOnceAfterTheIncludedPart() {
      Browser.Answer answer = page("include");

      assertThat(tags(answer.body())).isEqualTo(1);
      assertThat(answer.body())
          .containsPattern("<meta name=included content=yes>" + TAG.pattern() + "</head>");
    }

    @Test
    void anErrorPageIsLeftAlone() {
      Browser.Answer answer = page("error");

      assertThat(answer.code()).isEqualTo(500);
      assertThat(tags(answer.body())).isZero();
      assertThat(answer.body()).doesNotContain("garbage");
    }

    @Test
    void whatTheApplicationResetIsNotSentAndThePageAfterGetsTheTag() {
      Browser.Answer answer = page("reset");

      assertThat(tags(answer.body())).isEqualTo(1);
      assertThat(untagged(answer.body())).isEqualTo(PAGE);
    }

    @Test
    void anExcludedPathIsLeftAlone() {
      assertThat(browser.get("/excluded/writer", Map.of()).body()).isEqualTo(PAGE);
    }

    @Test
    void aRequestWithoutSessionIsLeftAlone() {
      assertThat(anonymous.get("/page/writer", Map.of()).body()).isEqualTo(PAGE);
    }

    @Test
    void fragmentRequestsAreLeftAlone() {
      assertThat(browser.get("/page/writer", Map.of("HX-Request", "true")).body()).isEqualTo(PAGE);
      assertThat(browser.get("/page/writer", Map.of("X-Requested-With", "XMLHttpRequest")).body())
          .isEqualTo(PAGE);
    }
  }

  static final String LONG_HEAD = "<html><head>"
      + "<meta name=x content=y>".repeat(HeldPage.MAXIMUM / 20)
      + "</head><body></body></html>";

  static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  /** Writes the page in the shape its path names. */
  static final class ShapeServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException, ServletException {
      String shape = request.getPathInfo().substring(1);
      byte[] utf8 = PAGE.getBytes(StandardCharsets.UTF_8);
      switch (shape) {
        case "login" -> {
          request.getSession(true);
          response.setStatus(200);
        }
        case "writer" -> {
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print(PAGE);
        }
        case "stream-length" -> {
          response.setContentType("text/html;charset=UTF-8");
          response.setContentLength(utf8.length);
          response.getOutputStream().write(utf8);
        }
        case "streamed" -> {
          response.setContentType("text/html;charset=utf-8");
          PrintWriter out = response.getWriter();
          out.print("<!doctype html><html><head>");
          response.flushBuffer();
          out.print("<title>streamed</title>");
          response.flushBuffer();
          out.print("</head><body>");
          for (int i = 0; i < 100; i++) {
            out.print("<p>" + "x".repeat(2_000) + "</p>");
            response.flushBuffer();
          }
          out.print("</body></html>");
        }
        case "nohead" -> {
          response.setContentType("text/html");
          response.setCharacterEncoding("UTF-8");
          response.getWriter().print("<html><body class=\"x\"><p>hi</p></body></html>");
        }
        case "longhead" -> {
          response.setContentType("text/html;charset=utf-8");
          PrintWriter out = response.getWriter();
          for (String part : LONG_HEAD.split("(?<=>)")) {
            out.print(part);
          }
        }
        case "latin1" -> {
          response.setContentType("text/html;charset=ISO-8859-1");
          response.getWriter().print(PAGE);
        }
        case "utf16" -> {
          response.setContentType("text/html;charset=UTF-16");
          response.getWriter().print(PAGE);
        }
        case "json" -> {
          response.setContentType("application/json");
          response.getOutputStream().write(utf8);
        }
        case "notfound" -> {
          response.setStatus(404);
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print(PAGE);
        }
        case "attachment" -> {
          response.setContentType("text/html;charset=utf-8");
          response.setHeader("Content-Disposition", "attachment; filename=page.html");
          response.getWriter().print(PAGE);
        }
        case "gzip" -> {
          byte[] compressed = gzip(PAGE);
          response.setContentType("text/html;charset=utf-8");
          response.setHeader("Content-Encoding", "gzip");
          response.setContentLength(compressed.length);
          response.getOutputStream().write(compressed);
        }
        case "tagged" -> {
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print(PAGE.replace("</head>",
              FarewellServlet.from(getServletContext()).scriptTag(request) + "</head>"));
        }
        case "csp" -> {
          response.setHeader("Content-Security-Policy",
              "default-src 'self'; script-src 'nonce-n0nce+/=' 'strict-dynamic'");
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print(PAGE);
        }
        case "forward" -> request.getRequestDispatcher("/page/writer").forward(request, response);
        case "include" -> {
          response.setContentType("text/html;charset=utf-8");
          PrintWriter out = response.getWriter();
          out.print("<!doctype html><html><head>");
          out.flush();
          request.getRequestDispatcher("/fragment").include(request, response);
          out.print("</head><body></body></html>");
        }
        case "error" -> {
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print("<html><head>garbage");
          response.sendError(500);
        }
        case "reset" -> {
          response.setContentType("text/html;charset=utf-8");
          response.getWriter().print("<html><head><title>garbage");
          response.resetBuffer();
          response.getWriter().print(PAGE);
        }
        default -> response.sendError(404);
      }
    }
  }
}
