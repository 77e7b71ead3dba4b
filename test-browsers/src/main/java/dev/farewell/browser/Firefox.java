package dev.farewell.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;

/**
 * A headless Firefox (Debian's {@code firefox-esr}) started with a fresh profile and
 * driven through WebDriver BiDi, which Firefox speaks itself ({@code --remote-debugging-port}): no
 * geckodriver, nothing downloaded. BiDi frames commands like the DevTools protocol ({@code id},
 * {@code method}, {@code params}; an {@code error} member on failure), so one {@link
 * DevToolsConnection} serves both. Tabs are closed with {@code browsingContext.close}, as a user
 * closes them: the page gets its pagehide.
 *
 * <p>Thread-safe. Close it to end the browser and delete the profile (a context: to close its
 * tabs).
 */
public final class Firefox implements Browser {

  /** Where Debian's {@code firefox-esr} package puts the browser. */
  public static final Path DEBIAN_FIREFOX = Path.of("/usr/bin/firefox-esr");

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern LISTENING = Pattern.compile("WebDriver BiDi listening on (ws://\\S+)");

  private final Process process;
  private final Path profile;
  private final OkHttpClient http;
  private final DevToolsConnection bidi;
  /** The user context of this view ({@link #newContext()}), or null for the whole browser. */
  private final String userContext;

  private Firefox(
      Process process, Path profile, OkHttpClient http, DevToolsConnection bidi, String userContext) {
    this.process = process;
    this.profile = profile;
    this.http = http;
    this.bidi = bidi;
    this.userContext = userContext;
  }

  /**
   * Finds the browser: {@code FAREWELL_FIREFOX} if set, else {@code /usr/bin/firefox-esr}, else
   * {@code firefox-esr} or {@code firefox} on the {@code PATH}.
   */
  public static Optional<Path> locate() {
    return BrowserProcesses.locate(
        "FAREWELL_FIREFOX", List.of(DEBIAN_FIREFOX), List.of("firefox-esr", "firefox"));
  }

  /**
   * Starts headless Firefox with a fresh profile and opens a BiDi session.
   *
   * @throws IllegalStateException if the browser does not start within a minute
   */
  public static Firefox launch(Path executable) {
    Path profile;
    try {
      profile = Files.createTempDirectory("farewell-firefox-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path log = profile.resolve("firefox.log");
    List<String> command =
        List.of(
            executable.toString(),
            "--headless",
            "--no-remote",
            "--profile",
            profile.resolve("profile").toString(),
            "--remote-debugging-port=0",
            "about:blank");
    Process process;
    try {
      Files.createDirectories(profile.resolve("profile"));
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      BrowserProcesses.deleteQuietly(profile);
      throw new IllegalStateException("cannot start " + executable + ": " + e.getMessage(), e);
    }
    Instant giveUp = Instant.now().plus(START_TIMEOUT);
    try {
      while (true) {
        Matcher listening = LISTENING.matcher(Files.readString(log));
        if (listening.find()) {
          OkHttpClient http =
              new OkHttpClient.Builder()
                  .readTimeout(Duration.ZERO)
                  .callTimeout(DevToolsConnection.COMMAND_TIMEOUT)
                  .build();
          DevToolsConnection bidi = DevToolsConnection.open(http, listening.group(1) + "/session");
          // A dialog (alert) stays open until the page closes it, as for a user who reads it.
          bidi.sendAsync(
                  "session.new",
                  Map.of(
                      "capabilities",
                      Map.of("alwaysMatch", Map.of("unhandledPromptBehavior", Map.of("default", "ignore")))))
              .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          bidi.send(
              "session.subscribe",
              Map.of("events", List.of("browsingContext.userPromptOpened", "browsingContext.userPromptClosed")));
          return new Firefox(process, profile, http, bidi, null);
        }
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "firefox exited with " + process.exitValue() + " before it was ready: "
                  + BrowserProcesses.tail(log));
        }
        if (Instant.now().isAfter(giveUp)) {
          throw new IllegalStateException(
              "firefox did not open its BiDi port within " + START_TIMEOUT + ": "
                  + BrowserProcesses.tail(log));
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    } catch (IOException | InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
      BrowserProcesses.killTree(process);
      BrowserProcesses.deleteQuietly(profile);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (e instanceof IllegalStateException) {
        throw (IllegalStateException) e;
      }
      throw new IllegalStateException("cannot start firefox: " + e, e);
    }
  }

  @Override
  public String name() {
    return "Firefox";
  }

  /** The browser's BiDi session. */
  public DevToolsConnection bidi() {
    return bidi;
  }

  @Override
  public Tab newTab(URI url) {
    Map<String, Object> params =
        userContext == null ? Map.of("type", "tab") : Map.of("type", "tab", "userContext", userContext);
    String context = (String) bidi.send("browsingContext.create", params).get("context");
    FirefoxTab tab = new FirefoxTab(bidi, context);
    tab.navigate(url);
    return tab;
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void kill() {
    BrowserProcesses.killTree(process);
  }

  /**
   * A new user context of this browser ({@code browser.createUserContext}, a container): its tabs
   * have cookies, storage and cache of their own. Closing it closes its tabs and leaves the browser
   * running; {@link #kill()} kills the whole browser.
   */
  @Override
  public Firefox newContext() {
    String created = (String) bidi.send("browser.createUserContext").get("userContext");
    return new Firefox(process, profile, http, bidi, created);
  }

  /**
   * Kills the browser if it still runs and deletes its profile; for a context, closes its tabs
   * ({@code browser.removeUserContext}) and leaves the browser running.
   */
  @Override
  public void close() {
    if (userContext != null) {
      if (process.isAlive()) {
        bidi.send("browser.removeUserContext", Map.of("userContext", userContext));
      }
      return;
    }
    bidi.close();
    if (process.isAlive()) {
      kill();
    }
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    BrowserProcesses.deleteQuietly(profile);
  }

  /** A top-level browsing context of the Firefox. */
  private static final class FirefoxTab implements Tab {
    private final DevToolsConnection bidi;
    private final String context;

    FirefoxTab(DevToolsConnection bidi, String context) {
      this.bidi = bidi;
      this.context = context;
    }

    @Override
    public String id() {
      return context;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object evaluate(String expression) {
      // script.evaluate takes one expression: statements run through an immediately called
      // function that returns the value of the last one (eval would be refused by a strict CSP).
      Map<String, Object> answer =
          bidi.send(
              "script.callFunction",
              Map.of(
                  "functionDeclaration", "async function() { " + Scripts.body(expression) + " }",
                  "target", Map.of("context", context),
                  "awaitPromise", true,
                  "resultOwnership", "none"));
      if ("exception".equals(answer.get("type"))) {
        throw new DevToolsException("'" + expression + "' threw " + answer.get("exceptionDetails"));
      }
      Map<String, Object> result = (Map<String, Object>) answer.get("result");
      return result == null ? null : plain(result);
    }

    @SuppressWarnings("unchecked")
    private static Object plain(Map<String, Object> remote) {
      Object type = remote.get("type");
      if ("undefined".equals(type) || "null".equals(type)) {
        return null;
      }
      if ("array".equals(type)) {
        return ((List<Object>) remote.getOrDefault("value", List.of()))
            .stream().map(v -> plain((Map<String, Object>) v)).collect(java.util.stream.Collectors.toList());
      }
      Object value = remote.get("value");
      if ("number".equals(type) && value instanceof Double && ((Double) value) == Math.rint((Double) value)) {
        return ((Double) value).longValue();
      }
      return value;
    }

    @Override
    public void navigate(URI url) {
      bidi.send(
          "browsingContext.navigate",
          Map.of("context", context, "url", url.toString(), "wait", "none"));
    }

    @Override
    public void reload() {
      bidi.send("browsingContext.reload", Map.of("context", context, "wait", "none"));
    }

    @Override
    public Optional<String> dialog() {
      List<Map<String, Object>> opened = prompts("browsingContext.userPromptOpened");
      if (opened.size() <= prompts("browsingContext.userPromptClosed").size()) {
        return Optional.empty();
      }
      return Optional.of(String.valueOf(opened.get(opened.size() - 1).get("message")));
    }

    /** The parameters of this tab's events of {@code method}. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> prompts(String method) {
      return bidi.events(method).stream()
          .map(e -> (Map<String, Object>) e.get("params"))
          .filter(p -> context.equals(p.get("context")))
          .collect(java.util.stream.Collectors.toList());
    }

    @Override
    public void acceptDialog() {
      bidi.send("browsingContext.handleUserPrompt", Map.of("context", context, "accept", true));
    }

    @Override
    public void close() {
      bidi.send("browsingContext.close", Map.of("context", context));
    }
  }
}
