package dev.farewell.servlet;

import static dev.farewell.servlet.ScriptInjectionFilterTest.PAGE;
import static dev.farewell.servlet.FilteredApplication.TAG;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link ScriptInjectionFilter} with pages written asynchronously ({@code startAsync}, the page
 * written later from another thread, then {@code complete()} or {@code dispatch}), in real Jetty 12
 * and Tomcat 11. The filter may give such a page the tag or leave it alone, but the page must
 * arrive whole and in order, with at most one tag, right before its {@code </head>}.
 */
class ScriptInjectionFilterAsyncTest {

  /** A page large enough that a non-blocking stream is not always ready for the next write. */
  static final String BIG_PAGE = "<!doctype html><html><head><title>big</title></head><body>"
      + "<p>0123456789abcdef</p>".repeat(200_000) + "</body></html>";
  static final String RETURNED = "test.dispatchReturned";

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
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private FilteredApplication application;
    private Browser browser;

    abstract ServletContainer newContainer();

    @BeforeAll
    void start() throws Exception {
      application = new FilteredApplication(newContainer(), new OkHttpClient.Builder(),
          (servlet, context) -> {
            // Before Farewell's filter: tells the page's other thread when the dispatch has
            // returned through Farewell's filter.
            Filter returned = (request, response, chain) -> {
              CountDownLatch latch = new CountDownLatch(1);
              request.setAttribute(RETURNED, latch);
              try {
                chain.doFilter(request, response);
              } finally {
                latch.countDown();
              }
            };
            var outer = context.addFilter("returned", returned);
            outer.setAsyncSupported(true);
            outer.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
            ScriptInjectionFilter.newBuilder(servlet).build().register(context);
            var async = context.addServlet("async", new AsyncServlet(executor));
            async.setAsyncSupported(true);
            async.addMapping("/async/*");
            var pages = context.addServlet("pages", new ScriptInjectionFilterTest.ShapeServlet());
            pages.setAsyncSupported(true);
            pages.addMapping("/page/*");
          }, "/page/login");
      browser = application.browser;
    }

    @AfterAll
    void stop() throws Exception {
      application.close();
      executor.shutdownNow();
    }

    /** The page arrived whole and in order, with no tag or one right before its head's end. */
    private static void assertWholeWithAtMostOneTag(Browser.Answer answer, String page) {
      String body = answer.body();
      int tags = FilteredApplication.tags(body);
      assertThat(answer.code()).isEqualTo(200);
      assertThat(tags).as(body.substring(0, Math.min(400, body.length()))).isLessThanOrEqualTo(1);
      if (tags == 1) {
        assertThat(body).containsPattern(TAG.pattern() + "</head>");
      }
      String untagged = FilteredApplication.untagged(body);
      assertThat(untagged.length()).isEqualTo(page.length());
      assertThat(untagged).isEqualTo(page);
    }

    private Browser.Answer page(String shape) {
      return browser.get("/async/" + shape, Map.of());
    }

    @Test
    void aPageWrittenThroughTheWriterAfterTheDispatchReturnedArrivesWhole() {
      assertWholeWithAtMostOneTag(page("writer-after-return"), PAGE);
    }

    @Test
    void aPageWrittenThroughTheStreamAfterTheDispatchReturnedArrivesWhole() {
      assertWholeWithAtMostOneTag(page("stream-after-return"), PAGE);
    }

    @Test
    void aPageWrittenByAnotherThreadBeforeTheDispatchReturnedGetsTheTag() {
      Browser.Answer answer = page("writer-before-return");

      assertWholeWithAtMostOneTag(answer, PAGE);
      assertThat(answer.body()).containsPattern(TAG.pattern() + "</head>");
    }

    @Test
    void aHeadWrittenBeforeTheDispatchReturnedAndABodyWrittenAfterArriveWholeAndInOrder() {
      assertWholeWithAtMostOneTag(page("head-then-async-writer"), PAGE);
      assertWholeWithAtMostOneTag(page("head-then-async-stream"), PAGE);
    }

    @Test
    void aHeadWrittenThroughTheResponseAndABodyThroughTheAsyncContextsResponseArriveWhole() {
      assertWholeWithAtMostOneTag(page("head-then-context-writer"), PAGE);
    }

    @Test
    void aPageWrittenThroughTheAsyncContextsResponseArrivesWhole() {
      assertWholeWithAtMostOneTag(page("context-writer"), PAGE);
    }

    @Test
    void aPageWrittenByAnotherThreadWhileTheDispatchReturnsArrivesWholeEveryTime() {
      for (int i = 0; i < 30; i++) {
        assertWholeWithAtMostOneTag(page("racing-writer"), PAGE);
        assertWholeWithAtMostOneTag(page("racing-stream"), PAGE);
      }
    }

    @Test
    void aPageDispatchedFromAnAsyncContextOfTheFiltersResponseGetsTheTag() {
      // as Spring MVC renders the view of a DeferredResult or a Callable
      Browser.Answer answer = page("dispatch-wrapped");

      assertWholeWithAtMostOneTag(answer, PAGE);
      assertThat(answer.body()).containsPattern(TAG.pattern() + "</head>");
    }

    @Test
    void aPageDispatchedFromAnAsyncContextOfTheContainersResponseArrivesWhole() {
      assertWholeWithAtMostOneTag(page("dispatch"), PAGE);
    }

    @Test
    void aPageWrittenThroughANonBlockingStreamArrivesWhole() {
      assertWholeWithAtMostOneTag(page("non-blocking"), BIG_PAGE);
    }
  }

  /** Starts async processing and writes the page the way its path names. */
  static final class AsyncServlet extends HttpServlet {
    private final transient ExecutorService executor;

    AsyncServlet(ExecutorService executor) {
      this.executor = executor;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String shape = request.getPathInfo().substring(1);
      CountDownLatch returned = (CountDownLatch) request.getAttribute(RETURNED);
      response.setContentType("text/html;charset=utf-8");
      switch (shape) {
        case "writer-after-return" -> {
          AsyncContext async = request.startAsync();
          later(async, returned, () -> response.getWriter().print(PAGE));
        }
        case "stream-after-return" -> {
          AsyncContext async = request.startAsync();
          later(async, returned,
              () -> response.getOutputStream().write(PAGE.getBytes(StandardCharsets.UTF_8)));
        }
        case "writer-before-return" -> {
          AsyncContext async = request.startAsync();
          CountDownLatch written = new CountDownLatch(1);
          executor.execute(() -> {
            try {
              response.getWriter().print(PAGE);
            } catch (IOException e) {
              throw new IllegalStateException(e);
            } finally {
              written.countDown();
            }
            async.complete();
          });
          await(written);
        }
        case "head-then-async-writer" -> {
          int head = PAGE.indexOf("<title>");
          response.getWriter().print(PAGE.substring(0, head));
          AsyncContext async = request.startAsync();
          later(async, returned, () -> response.getWriter().print(PAGE.substring(head)));
        }
        case "head-then-async-stream" -> {
          byte[] page = PAGE.getBytes(StandardCharsets.UTF_8);
          int head = PAGE.indexOf("<title>");
          response.getOutputStream().write(page, 0, head);
          AsyncContext async = request.startAsync();
          later(async, returned,
              () -> response.getOutputStream().write(page, head, page.length - head));
        }
        case "head-then-context-writer" -> {
          int head = PAGE.indexOf("<title>");
          response.getWriter().print(PAGE.substring(0, head));
          AsyncContext async = request.startAsync();
          later(async, returned,
              () -> async.getResponse().getWriter().print(PAGE.substring(head)));
        }
        case "context-writer" -> {
          AsyncContext async = request.startAsync();
          later(async, returned, () -> async.getResponse().getWriter().print(PAGE));
        }
        case "racing-writer" -> {
          AsyncContext async = request.startAsync();
          executor.execute(() -> complete(async, () -> {
            PrintWriter out = response.getWriter();
            for (String part : PAGE.split("(?<=.)")) {
              out.print(part);
            }
          }));
        }
        case "racing-stream" -> {
          AsyncContext async = request.startAsync();
          executor.execute(() -> complete(async, () -> {
            ServletOutputStream out = response.getOutputStream();
            for (byte b : PAGE.getBytes(StandardCharsets.UTF_8)) {
              out.write(b);
            }
          }));
        }
        case "dispatch-wrapped" -> {
          AsyncContext async = request.startAsync(request, response);
          executor.execute(() -> async.dispatch("/page/writer"));
        }
        case "dispatch" -> {
          AsyncContext async = request.startAsync();
          executor.execute(() -> async.dispatch("/page/writer"));
        }
        case "non-blocking" -> {
          AsyncContext async = request.startAsync();
          ServletOutputStream out = response.getOutputStream();
          byte[] page = BIG_PAGE.getBytes(StandardCharsets.UTF_8);
          out.setWriteListener(new WriteListener() {
            private int at;

            @Override
            public void onWritePossible() throws IOException {
              while (out.isReady()) {
                if (at == page.length) {
                  async.complete();
                  return;
                }
                int length = Math.min(64 * 1024, page.length - at);
                out.write(page, at, length);
                at += length;
              }
            }

            @Override
            public void onError(Throwable t) {
              async.complete();
            }
          });
        }
        default -> response.sendError(404);
      }
    }

    /** Writes after the dispatch returned through the filters, then completes. */
    private void later(AsyncContext async, CountDownLatch returned, Write write) {
      executor.execute(() -> {
        await(returned);
        complete(async, write);
      });
    }

    private static void complete(AsyncContext async, Write write) {
      try {
        write.run();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } finally {
        async.complete();
      }
    }

    private static void await(CountDownLatch latch) {
      try {
        if (!latch.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the dispatch did not return");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  @FunctionalInterface
  interface Write {
    void run() throws IOException;
  }
}
