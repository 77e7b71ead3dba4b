package dev.farewell.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * WebKit, Safari's engine, as WebKitGTK's MiniBrowser under a virtual X display ({@code
 * xvfb-run}), driven through Debian's {@code WebKitWebDriver} (package {@code webkit2gtk-driver}),
 * a W3C WebDriver server, over its classic HTTP protocol: nothing is downloaded. WebDriver
 * commands go to the current window, so each tab switches to itself first, under one lock.
 * WebKitWebDriver holds one session (one MiniBrowser) at a time and has no browser contexts: a
 * {@linkplain #newContext() context} is a session of its own on the same driver and X display.
 *
 * <p>Thread-safe. Close it to end the browser (a context: to end its session).
 */
public final class WebKit implements Browser {

  /** Where Debian's {@code webkit2gtk-driver} package puts the driver. */
  public static final Path DEBIAN_DRIVER = Path.of("/usr/bin/WebKitWebDriver");

  private static final List<Path> MINI_BROWSERS =
      List.of(
          Path.of("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"),
          Path.of("/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser"),
          Path.of("/usr/lib/x86_64-linux-gnu/webkitgtk-6.0/MiniBrowser"),
          Path.of("/usr/lib/aarch64-linux-gnu/webkitgtk-6.0/MiniBrowser"));
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final Process process;
  private final Path dir;
  private final OkHttpClient http;
  private final String base;
  /** The WebDriver session of this browser or context, null once ended (guarded by the lock). */
  private String session;
  private final boolean context;
  private final Object lock = new Object();
  /**
   * The window WebDriver commands go to (guarded by the lock): switched to only when another one is
   * wanted, since a switch waits while the page shows an alert().
   */
  private String current;

  private WebKit(
      Process process, Path dir, OkHttpClient http, String base, String session, boolean context) {
    this.process = process;
    this.dir = dir;
    this.http = http;
    this.base = base;
    this.session = session;
    this.context = context;
  }

  /**
   * Finds the driver ({@code FAREWELL_WEBKIT_DRIVER} if set, else {@code /usr/bin/WebKitWebDriver},
   * else on the {@code PATH}), present only with a MiniBrowser and {@code xvfb-run} next to it.
   */
  public static Optional<Path> locate() {
    Optional<Path> driver =
        BrowserProcesses.locate("FAREWELL_WEBKIT_DRIVER", List.of(DEBIAN_DRIVER), List.of("WebKitWebDriver"));
    if (driver.isEmpty() || miniBrowser().isEmpty() || xvfbRun().isEmpty()) {
      return Optional.empty();
    }
    return driver;
  }

  static Optional<Path> miniBrowser() {
    return BrowserProcesses.locate("FAREWELL_MINIBROWSER", MINI_BROWSERS, List.of("MiniBrowser"));
  }

  static Optional<Path> xvfbRun() {
    return BrowserProcesses.locate("FAREWELL_XVFB_RUN", List.of(Path.of("/usr/bin/xvfb-run")), List.of("xvfb-run"));
  }

  /**
   * Starts the driver under {@code xvfb-run} and opens a session, which starts the MiniBrowser.
   *
   * @throws IllegalStateException if no session opens within a minute
   */
  public static WebKit launch(Path driver) {
    Path dir;
    int port;
    try {
      dir = Files.createTempDirectory("farewell-webkit-");
      try (ServerSocket free = new ServerSocket(0)) {
        port = free.getLocalPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path log = dir.resolve("webkit.log");
    List<String> command =
        List.of(
            xvfbRun().orElseThrow().toString(),
            "-a",
            driver.toString(),
            "--port=" + port,
            "--host=127.0.0.1");
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      BrowserProcesses.deleteQuietly(dir);
      throw new IllegalStateException("cannot start " + driver + ": " + e.getMessage(), e);
    }
    OkHttpClient http =
        new OkHttpClient.Builder()
            .readTimeout(Duration.ofSeconds(60))
            .callTimeout(Duration.ofSeconds(60))
            .build();
    String base = "http://127.0.0.1:" + port;
    Instant giveUp = Instant.now().plus(START_TIMEOUT);
    try {
      while (true) {
        try {
          return new WebKit(process, dir, http, base, openSession(http, base), false);
        } catch (DevToolsException e) {
          if (!process.isAlive()) {
            throw new IllegalStateException(
                "WebKitWebDriver exited with " + process.exitValue() + ": " + BrowserProcesses.tail(log));
          }
          if (Instant.now().isAfter(giveUp)) {
            throw new IllegalStateException(
                "WebKitWebDriver opened no session within " + START_TIMEOUT + ": " + e.getMessage()
                    + "; " + BrowserProcesses.tail(log));
          }
          TimeUnit.MILLISECONDS.sleep(100);
        }
      }
    } catch (InterruptedException | RuntimeException e) {
      BrowserProcesses.killTree(process);
      BrowserProcesses.deleteQuietly(dir);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (e instanceof IllegalStateException) {
        throw (IllegalStateException) e;
      }
      throw new IllegalStateException("cannot start WebKit: " + e, e);
    }
  }

  /** Opens a WebDriver session, which starts a MiniBrowser; its URL. */
  private static String openSession(OkHttpClient http, String base) {
    Map<String, Object> created =
        value(
            http,
            post(
                base + "/session",
                Map.of(
                    "capabilities",
                    Map.of(
                        "alwaysMatch",
                        Map.of(
                            "unhandledPromptBehavior", "ignore",
                            "webkitgtk:browserOptions",
                            Map.of(
                                "binary", miniBrowser().orElseThrow().toString(),
                                "args", List.of("--automation")))))));
    return base + "/session/" + created.get("sessionId");
  }

  @Override
  public String name() {
    return "WebKit";
  }

  /**
   * A new context: a WebDriver session of its own (a fresh MiniBrowser, with its own cookies and
   * storage) on this browser's driver and X display. The driver holds one session at a time: this
   * ends the browser's own session (the browser opens no more tabs), and a context must be closed
   * before the next one opens. Closing the context ends its session; {@link #kill()} kills the
   * driver and everything it started.
   *
   * @throws DevToolsException if the driver opens no session (another context is open)
   */
  @Override
  public WebKit newContext() {
    synchronized (lock) {
      if (!context && session != null) {
        command("DELETE", "", null);
        session = null;
      }
    }
    return new WebKit(process, dir, http, base, openSession(http, base), true);
  }

  @Override
  public Tab newTab(URI url) {
    synchronized (lock) {
      // WebDriver opens a window from the current one, which may have been closed.
      @SuppressWarnings("unchecked")
      List<String> handles = (List<String>) command("GET", "/window/handles", null);
      if (!handles.isEmpty()) {
        command("POST", "/window", Map.of("handle", handles.get(0)));
        current = handles.get(0);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> created =
          // A window, not a tab: a tab WebDriver opens in the MiniBrowser stays in the background
          // (hidden), where a user's new tab comes to the front.
          (Map<String, Object>) command("POST", "/window/new", Map.of("type", "window"));
      WebKitTab tab = new WebKitTab((String) created.get("handle"));
      tab.navigate(url);
      return tab;
    }
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void kill() {
    BrowserProcesses.killTree(process);
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (session != null && process.isAlive()) {
        try {
          command("DELETE", "", null);
        } catch (RuntimeException e) {
          // a context's browser ends with its session anyway; the browser's is killed below
        }
      }
      session = null;
    }
    if (context) {
      return;
    }
    if (process.isAlive()) {
      kill();
    }
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    BrowserProcesses.deleteQuietly(dir);
  }

  private Object command(String method, String path, Object body) {
    if (session == null) {
      throw new IllegalStateException(
          "this WebKit's session has ended (a context opened since, or it was closed)");
    }
    Request.Builder request = new Request.Builder().url(session + path);
    if (body != null) {
      request.method(method, RequestBody.create(JsonValues.write(body), JSON));
    } else {
      request.method(method, null);
    }
    return valueOf(http, request.build());
  }

  private static Request post(String url, Object body) {
    return new Request.Builder().url(url).post(RequestBody.create(JsonValues.write(body), JSON)).build();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> value(OkHttpClient http, Request request) {
    return (Map<String, Object>) valueOf(http, request);
  }

  @SuppressWarnings("unchecked")
  private static Object valueOf(OkHttpClient http, Request request) {
    try (Response response = http.newCall(request).execute()) {
      String text = response.body().string();
      Map<String, Object> answer = JsonValues.object(text);
      Object value = answer.get("value");
      if (!response.isSuccessful()) {
        throw new DevToolsException(request.method() + " " + request.url() + " answered " + response.code() + ": " + text);
      }
      return value;
    } catch (IOException | UncheckedIOException e) {
      throw new DevToolsException(request.method() + " " + request.url() + " failed: " + e, e);
    }
  }

  /** One tab (a WebDriver window handle) of the MiniBrowser. */
  private final class WebKitTab implements Tab {
    private final String handle;

    WebKitTab(String handle) {
      this.handle = handle;
    }

    @Override
    public String id() {
      return handle;
    }

    private void select() {
      if (!handle.equals(current)) {
        command("POST", "/window", Map.of("handle", handle));
        current = handle;
      }
    }

    @Override
    public Object evaluate(String expression) {
      synchronized (lock) {
        select();
        return command(
            "POST", "/execute/sync", Map.of("script", Scripts.body(expression), "args", new ArrayList<>()));
      }
    }

    @Override
    public void navigate(URI url) {
      synchronized (lock) {
        select();
        command("POST", "/url", Map.of("url", url.toString()));
      }
    }

    @Override
    public void reload() {
      synchronized (lock) {
        select();
        command("POST", "/refresh", Map.of());
      }
    }

    @Override
    public Optional<String> dialog() {
      synchronized (lock) {
        select();
        try {
          return Optional.of(String.valueOf(command("GET", "/alert/text", null)));
        } catch (DevToolsException e) {
          if (e.getMessage().contains("no such alert")) {
            return Optional.empty();
          }
          throw e;
        }
      }
    }

    @Override
    public void acceptDialog() {
      synchronized (lock) {
        select();
        command("POST", "/alert/accept", Map.of());
      }
    }

    @Override
    public void close() {
      synchronized (lock) {
        select();
        command("DELETE", "/window", null);
        current = null;
      }
    }
  }
}
