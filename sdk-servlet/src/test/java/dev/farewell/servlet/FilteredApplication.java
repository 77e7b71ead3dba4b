package dev.farewell.servlet;

import dev.farewell.Farewell;
import jakarta.servlet.ServletContext;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;

/**
 * An application under {@link ScriptInjectionFilter} in a real servlet container, for the filter's
 * tests: Farewell's servlet registered, then the test's own setup (the filter, the servlets that
 * write each page), and a browser that holds an {@code HttpSession}, so that its pages are watched.
 */
final class FilteredApplication implements AutoCloseable {

  /** The tag the filter inserts, with or without a nonce. */
  static final Pattern TAG = Pattern.compile(
      "<script src=\"/farewell/farewell\\.js\" data-token=\"[^\"]+\" integrity=\"[^\"]+\""
          + " data-endpoint=\"/farewell/beacon\"( nonce=\"[^\"]+\")? defer></script>");

  private final Farewell farewell;
  private final OkHttpClient http;
  private final ServletContainer container;
  private final URI base;
  /** A browser whose {@code HttpSession} was made by the login path. */
  final Browser browser;

  /**
   * Starts the application: {@code setup} registers the filter and the servlets, given Farewell's
   * servlet; a GET of {@code loginPath} (answered with 200) makes the browser's session.
   */
  FilteredApplication(ServletContainer container, OkHttpClient.Builder client,
      BiConsumer<FarewellServlet, ServletContext> setup, String loginPath) throws Exception {
    this(container, client, Farewell.newBuilder(), setup, loginPath);
  }

  /** The same, with the engine built from {@code engine} (the test's timings and listeners). */
  FilteredApplication(ServletContainer container, OkHttpClient.Builder client,
      Farewell.Builder engine, BiConsumer<FarewellServlet, ServletContext> setup,
      String loginPath) throws Exception {
    this.farewell = engine.build();
    this.container = container;
    this.http = client.callTimeout(Duration.ofSeconds(20)).build();
    FarewellServlet servlet = FarewellServlet.newBuilder(farewell).build();
    base = container.start((classes, context) -> {
      servlet.register(context);
      setup.accept(servlet, context);
    });
    browser = newBrowser();
    int login = browser.get(loginPath, Map.of()).code();
    if (login != 200) {
      throw new IllegalStateException(loginPath + " answered " + login);
    }
  }

  /** The request header that turns the filter off for one request: the page without it. */
  static final String BARE = "X-Test-Bare";

  /**
   * Starts an application whose filter watches every request with a session and without the
   * {@link #BARE} header, with {@code servlet} mapped at {@code path} and the shape pages of
   * {@link ScriptInjectionFilterTest.ShapeServlet} at {@code /page/*} (the login at {@code
   * /page/login}).
   */
  static FilteredApplication withBareSwitch(ServletContainer container,
      OkHttpClient.Builder client, jakarta.servlet.Servlet servlet, String path) throws Exception {
    return new FilteredApplication(container, client, (farewell, context) -> {
      ScriptInjectionFilter.newBuilder(farewell)
          .watchWhen(request -> request.getHeader(BARE) == null
              && request.getSession(false) != null)
          .build().register(context);
      context.addServlet("test", servlet).addMapping(path);
      context.addServlet("pages", new ScriptInjectionFilterTest.ShapeServlet())
          .addMapping("/page/*");
    }, "/page/login");
  }

  /** A browser of its own, without a session. */
  Browser newBrowser() {
    return new Browser(base, http);
  }

  static int tags(String body) {
    Matcher matcher = TAG.matcher(body);
    int count = 0;
    while (matcher.find()) {
      count++;
    }
    return count;
  }

  /** The page without the tags in it. */
  static String untagged(String body) {
    return TAG.matcher(body).replaceAll("");
  }

  @Override
  public void close() throws Exception {
    container.close();
    farewell.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
