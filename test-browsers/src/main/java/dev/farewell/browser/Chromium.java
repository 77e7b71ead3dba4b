package dev.farewell.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A headless Chromium started with a fresh profile, driven through the DevTools protocol: tabs are
 * opened with {@code PUT /json/new} (in a {@linkplain #newContext() context}: {@code
 * Target.createTarget}) and closed with {@code /json/close}, as a user would; each tab can be
 * driven over its WebSocket.
 *
 * <p>Thread-safe. Close it to end the browser and delete the profile (a context: to close its
 * tabs).
 */
public final class Chromium implements Browser {

  /** Where Debian's {@code chromium} package puts the browser. */
  public static final Path DEBIAN_CHROMIUM = Path.of("/usr/bin/chromium");

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final Path profile;
  private final int port;
  private final String browserWebSocketUrl;
  private final OkHttpClient http;
  /** The browser context of this view ({@link #newContext()}), or null for the whole browser. */
  private final String context;

  private Chromium(
      Process process,
      Path profile,
      int port,
      String browserWebSocketUrl,
      OkHttpClient http,
      String context) {
    this.process = process;
    this.profile = profile;
    this.port = port;
    this.browserWebSocketUrl = browserWebSocketUrl;
    this.http = http;
    this.context = context;
  }

  /**
   * Finds the browser: {@code FAREWELL_CHROMIUM} if set, else {@code /usr/bin/chromium}, else
   * {@code chromium} or {@code chromium-browser} on the {@code PATH}.
   */
  public static Optional<Path> locate() {
    return BrowserProcesses.locate(
        "FAREWELL_CHROMIUM", List.of(DEBIAN_CHROMIUM), List.of("chromium", "chromium-browser"));
  }

  /**
   * Starts headless Chromium with a fresh profile and waits until its DevTools endpoint answers.
   *
   * @throws IllegalStateException if the browser does not start within a minute
   */
  public static Chromium launch(Path executable) {
    Path profile;
    try {
      profile = Files.createTempDirectory("farewell-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command =
        List.of(
            executable.toString(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--user-data-dir=" + profile,
            "--remote-debugging-port=0",
            "about:blank");
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(profile.resolve("chromium.log").toFile())
              .start();
    } catch (IOException e) {
      BrowserProcesses.deleteQuietly(profile);
      throw new IllegalStateException("cannot start " + executable + ": " + e.getMessage(), e);
    }
    Path activePort = profile.resolve("DevToolsActivePort");
    Instant giveUp = Instant.now().plus(START_TIMEOUT);
    try {
      while (true) {
        if (Files.exists(activePort)) {
          List<String> lines = Files.readAllLines(activePort);
          if (lines.size() >= 2 && !lines.get(1).isBlank()) {
            int port = Integer.parseInt(lines.get(0).trim());
            String ws = "ws://127.0.0.1:" + port + lines.get(1).trim();
            OkHttpClient http =
                new OkHttpClient.Builder()
                    .readTimeout(DevToolsConnection.COMMAND_TIMEOUT)
                    .callTimeout(DevToolsConnection.COMMAND_TIMEOUT)
                    .build();
            return new Chromium(process, profile, port, ws, http, null);
          }
        }
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "chromium exited with " + process.exitValue() + " before it was ready: "
                  + log(profile));
        }
        if (Instant.now().isAfter(giveUp)) {
          throw new IllegalStateException(
              "chromium did not open its DevTools port within " + START_TIMEOUT + ": "
                  + log(profile));
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      process.destroyForcibly();
      BrowserProcesses.deleteQuietly(profile);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (e instanceof IllegalStateException) {
        throw (IllegalStateException) e;
      }
      throw new IllegalStateException("cannot start chromium: " + e, e);
    }
  }

  /** The port of the DevTools HTTP endpoint. */
  public int devToolsPort() {
    return port;
  }

  /** The HTTP client the harness uses; tests may share it. */
  public OkHttpClient http() {
    return http;
  }

  /**
   * Opens a new tab on {@code url} ({@code PUT /json/new}, in a context {@code
   * Target.createTarget}) and returns it at once.
   */
  @Override
  public ChromiumTab newTab(URI url) {
    if (context != null) {
      return createTarget(Map.of("url", url.toString(), "browserContextId", context));
    }
    String target =
        "http://127.0.0.1:" + port + "/json/new?"
            + URLEncoder.encode(url.toString(), StandardCharsets.UTF_8);
    Request request =
        new Request.Builder().url(target).put(RequestBody.create(new byte[0], null)).build();
    Map<String, Object> info = JsonValues.object(call(request));
    return new ChromiumTab(this, (String) info.get("id"), (String) info.get("webSocketDebuggerUrl"));
  }

  /**
   * Opens a tab on {@code url} in a new browser context (its own cookies and storage, like a
   * private window), so that one browser can hold the logins of several users.
   */
  public ChromiumTab newIsolatedTab(URI url) {
    return newContext().newTab(url);
  }

  /**
   * Opens {@code url} in a new window of its own, so that it does not hide the tabs of the other
   * windows (a tab opened with {@link #newTab} comes to the front of its window).
   */
  public ChromiumTab newWindow(URI url) {
    Map<String, Object> params = new HashMap<>(Map.of("url", url.toString(), "newWindow", true));
    if (context != null) {
      params.put("browserContextId", context);
    }
    return createTarget(params);
  }

  /**
   * A new browser context of this browser ({@code Target.createBrowserContext}), like a private
   * window: its tabs have cookies, storage and cache of their own. Closing it closes its tabs and
   * leaves the browser running; {@link #kill()} kills the whole browser.
   */
  @Override
  public Chromium newContext() {
    try (DevToolsConnection browser = browser()) {
      String created = (String) browser.send("Target.createBrowserContext").get("browserContextId");
      return new Chromium(process, profile, port, browserWebSocketUrl, http, created);
    }
  }

  private ChromiumTab createTarget(Map<String, Object> params) {
    try (DevToolsConnection browser = browser()) {
      Object targetId = browser.send("Target.createTarget", params).get("targetId");
      for (Map<String, Object> target : targets()) {
        if (targetId.equals(target.get("id"))) {
          return new ChromiumTab(this, (String) targetId, (String) target.get("webSocketDebuggerUrl"));
        }
      }
      throw new DevToolsException("the new target " + targetId + " is not listed");
    }
  }

  /**
   * Discards {@code tab} as Chrome does to a background tab under memory pressure: its page is gone
   * without any event, and the tab reloads it when it is {@linkplain #activate activated}, with
   * {@code document.wasDiscarded} true and the tab's sessionStorage kept. Done through the page
   * {@code chrome://discards} (whose provider's {@code discardById} is what its "discard" links
   * call), after enabling Chromium's internal debugging pages on {@code chrome://chrome-urls}.
   *
   * @return the tab: the same target, or (a tab of a browser context) a new one in its place
   * @throws DevToolsException if the tab could not be discarded
   */
  public ChromiumTab discard(ChromiumTab tab) {
    String url = tab.url();
    List<Object> before = targets().stream().map(t -> t.get("id")).collect(Collectors.toList());
    ChromiumTab internal = createTarget(Map.of("url", "chrome://chrome-urls"));
    try {
      awaitTrue(internal, "document.readyState == 'complete' && !!document.querySelector('chrome-urls-app')");
      internal.evaluate(
          "(() => { const b = [...document.querySelector('chrome-urls-app').shadowRoot"
              + ".querySelectorAll('cr-button, button')].find((x) => /enable/i.test(x.textContent));"
              + " b && b.click(); return true; })()");
      internal.navigate(URI.create("chrome://discards"));
      awaitTrue(internal, "location.href.startsWith('chrome://discards') && !!document.querySelector('discards-main')");
      Object discarded =
          internal.evaluate(
              "(async () => { const p = (await import('chrome://discards/discards.js'))"
                  + ".getOrCreateDetailsProvider();"
                  + " const unit = async () => (await p.getTabDiscardsInfo()).infos"
                  + ".find((i) => i.tabUrl == " + JsonValues.write(url) + ");"
                  + " const before = await unit(); if (!before) return 'no tab at ' + location.href;"
                  + " await p.discardById(before.id, 0);"
                  + " for (let i = 0; i < 50; i++) {"
                  + "   const now = await unit(); if (now && now.discardCount > before.discardCount) return true;"
                  + "   await new Promise((r) => setTimeout(r, 100)); }"
                  + " return 'not discarded: ' + JSON.stringify(await unit()); })()");
      if (!Boolean.TRUE.equals(discarded)) {
        throw new DevToolsException("cannot discard " + url + ": " + discarded);
      }
    } finally {
      internal.close();
    }
    for (Map<String, Object> target : targets()) {
      Object id = target.get("id");
      if (url.equals(target.get("url")) && (id.equals(tab.id()) || !before.contains(id))) {
        return new ChromiumTab(this, (String) id, (String) target.get("webSocketDebuggerUrl"));
      }
    }
    throw new DevToolsException("the discarded tab on " + url + " is not listed");
  }

  /** Brings {@code tab} to the front of its window ({@code Target.activateTarget}). */
  public void activate(ChromiumTab tab) {
    try (DevToolsConnection browser = browser()) {
      browser.send("Target.activateTarget", Map.of("targetId", tab.id()));
    }
  }

  private static void awaitTrue(ChromiumTab tab, String expression) {
    Instant giveUp = Instant.now().plus(START_TIMEOUT);
    while (true) {
      try {
        if (Boolean.TRUE.equals(tab.evaluate(expression))) {
          return;
        }
      } catch (DevToolsException e) {
        // not loaded yet
      }
      if (Instant.now().isAfter(giveUp)) {
        throw new DevToolsException("'" + expression + "' did not turn true in " + START_TIMEOUT);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DevToolsException("interrupted", e);
      }
    }
  }

  /** Closes a tab as a user would ({@code /json/close/ID}): the page gets its pagehide. */
  public void closeTab(String targetId) {
    call(new Request.Builder().url("http://127.0.0.1:" + port + "/json/close/" + targetId).build());
  }

  /** The browser's open targets ({@code /json/list}). */
  public List<Map<String, Object>> targets() {
    return JsonValues.objects(
        call(new Request.Builder().url("http://127.0.0.1:" + port + "/json/list").build()));
  }

  /** Opens a DevTools connection to the browser itself (not a page). */
  public DevToolsConnection browser() {
    return DevToolsConnection.open(http, browserWebSocketUrl);
  }

  @Override
  public String name() {
    return "Chromium";
  }

  /** Whether the browser process is running. */
  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Kills the browser and all its processes with SIGKILL: no page gets any event, as when an
   * operating system kills a background browser.
   */
  @Override
  public void kill() {
    BrowserProcesses.killTree(process);
  }

  /**
   * Kills the browser if it still runs and deletes its profile; for a context, closes its tabs
   * ({@code Target.disposeBrowserContext}) and leaves the browser running.
   */
  @Override
  public void close() {
    if (context != null) {
      if (process.isAlive()) {
        try (DevToolsConnection browser = browser()) {
          browser.send("Target.disposeBrowserContext", Map.of("browserContextId", context));
        }
      }
      return;
    }
    if (process.isAlive()) {
      kill();
    }
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    BrowserProcesses.deleteQuietly(profile);
  }

  String call(Request request) {
    try (Response response = http.newCall(request).execute()) {
      String body = response.body().string();
      if (!response.isSuccessful()) {
        throw new DevToolsException(request.url() + " answered " + response.code() + ": " + body);
      }
      return body;
    } catch (IOException e) {
      throw new DevToolsException(request.url() + " failed: " + e, e);
    }
  }

  private static String log(Path profile) {
    return BrowserProcesses.tail(profile.resolve("chromium.log"));
  }
}
