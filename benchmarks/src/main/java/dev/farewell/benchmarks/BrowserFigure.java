package dev.farewell.benchmarks;

import dev.farewell.PageState;
import dev.farewell.ReleaseReason;
import dev.farewell.SessionView;
import dev.farewell.sample.ReleaseRecord;
import dev.farewell.sample.SampleApp;
import dev.farewell.sample.SampleOptions;
import dev.farewell.browser.Chromium;
import dev.farewell.browser.Tab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Figure 5 (browser): in headless Chromium against the sample app, the time from closing a tab to
 * the release of its session, and from killing the browser (SIGKILL: no page event fires) to the
 * release, over several runs each, next to the configured exit grace and heartbeat timeout. Each
 * run logs in a user of its own, opens {@code /app}, waits until the page has signalled, then
 * closes or kills; the release time is the engine's, from the sample's release log. A kill lands
 * at a random point of the heartbeat cycle, as it would in life.
 *
 * <p>Targets, as the end-to-end tests hold them: every close released within grace + 1 s, every
 * kill within heartbeat timeout + 2 s.
 */
final class BrowserFigure implements Figure {

  static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);
  static final Duration EXIT_GRACE = Duration.ofSeconds(1);
  static final Duration CLOSE_SLACK = Duration.ofSeconds(1);
  static final Duration KILL_SLACK = Duration.ofSeconds(2);
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

  @Override
  public List<Row> run(Settings settings) throws Exception {
    Optional<Path> chromium = Chromium.locate();
    if (chromium.isEmpty()) {
      throw new Skipped(
          "no Chromium found ($FAREWELL_CHROMIUM, /usr/bin/chromium, PATH); apt-get install chromium");
    }
    int runs = settings.quick() ? 2 : 20;
    int workers = settings.quick() ? 1 : 3;
    SampleApp app =
        SampleApp.start(
            SampleOptions.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .seats(1000)
                .heartbeatInterval(HEARTBEAT_INTERVAL)
                .heartbeatTimeout(HEARTBEAT_TIMEOUT)
                .exitGrace(EXIT_GRACE)
                .build());
    List<Outcome> closes = Collections.synchronizedList(new ArrayList<>());
    List<Outcome> kills = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        int worker = w;
        done.add(
            pool.submit(
                () -> {
                  try (Chromium browser = Chromium.launch(chromium.get())) {
                    for (int r = worker; r < runs; r += workers) {
                      closes.add(closeRun(app, browser, "close-" + r));
                    }
                  }
                  SplittableRandom random = new SplittableRandom(worker);
                  for (int r = worker; r < runs; r += workers) {
                    try (Chromium browser = Chromium.launch(chromium.get())) {
                      kills.add(killRun(app, browser, "kill-" + r, random));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> future : done) {
        future.get(10, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
      app.close();
    }
    StringBuilder log = new StringBuilder();
    closes.forEach(o -> log.append("close ").append(o).append('\n'));
    kills.forEach(o -> log.append("kill ").append(o).append('\n'));
    Files.writeString(settings.workDir().resolve("browser.log"), log);
    return List.of(
        row(
            "browser: tab closed -> released, " + runs + " runs",
            closes,
            runs,
            ReleaseReason.EXIT,
            "exit grace " + EXIT_GRACE.toMillis() + " ms",
            EXIT_GRACE.plus(CLOSE_SLACK)),
        row(
            "browser: browser killed -> released, " + runs + " runs",
            kills,
            runs,
            ReleaseReason.TIMEOUT,
            "heartbeat timeout " + HEARTBEAT_TIMEOUT.toMillis() + " ms",
            HEARTBEAT_TIMEOUT.plus(KILL_SLACK)));
  }

  /** One run: how long from the close or kill to the release, and for what reason. */
  record Outcome(String user, Duration delay, ReleaseReason reason) {}

  private static Outcome closeRun(SampleApp app, Chromium browser, String user) {
    Tab tab = browser.newTab(app.uri());
    String sessionId = logIn(app, tab, user);
    Instant closed = Instant.now();
    tab.close();
    return awaitRelease(app, sessionId, user, closed, EXIT_GRACE);
  }

  private static Outcome killRun(
      SampleApp app, Chromium browser, String user, SplittableRandom random) {
    Tab tab = browser.newTab(app.uri());
    String sessionId = logIn(app, tab, user);
    sleep(Duration.ofMillis(random.nextLong(HEARTBEAT_INTERVAL.toMillis())));
    Instant killed = Instant.now();
    browser.kill();
    return awaitRelease(app, sessionId, user, killed, HEARTBEAT_TIMEOUT);
  }

  /** Logs {@code user} in through the login form, and waits until the app page has signalled. */
  private static String logIn(SampleApp app, Tab tab, String user) {
    await(
        "the login page to load",
        () ->
            tryEvaluate(
                tab,
                "document.readyState == 'complete' && !!document.querySelector('input[name=user]')"));
    tab.evaluate(
        "document.querySelector('input[name=user]').value = '" + user + "';"
            + " document.querySelector('form').submit(); true");
    await(
        "the app page of " + user + " to run the snippet",
        () ->
            tryEvaluate(
                tab,
                "location.pathname == '/app' && document.readyState == 'complete'"
                    + " && !!window.Farewell && Farewell.running"));
    SessionView session =
        await(
            "the page of " + user + " to signal",
            () ->
                app.engine().snapshot().stream()
                    .filter(s -> user.equals(s.attributes().get("user")))
                    .filter(s -> s.pages().stream().anyMatch(p -> p.state() == PageState.VISIBLE))
                    .findFirst()
                    .orElse(null));
    return session.sessionKey();
  }

  private static Outcome awaitRelease(
      SampleApp app, String sessionId, String user, Instant from, Duration configured) {
    long giveUp = System.nanoTime() + configured.plus(STEP_TIMEOUT).toNanos();
    while (System.nanoTime() < giveUp) {
      for (ReleaseRecord record : app.releases()) {
        if (record.sessionId().equals(sessionId)) {
          return new Outcome(user, Duration.between(from, record.releasedAt()), record.reason());
        }
      }
      sleep(Duration.ofMillis(20));
    }
    return new Outcome(user, null, null);
  }

  private static Object tryEvaluate(Tab tab, String expression) {
    try {
      Object value = tab.evaluate(expression);
      return Boolean.FALSE.equals(value) ? null : value;
    } catch (RuntimeException e) {
      return null; // the page is still loading or navigating
    }
  }

  private static <T> T await(String what, Supplier<T> probe) {
    long giveUp = System.nanoTime() + STEP_TIMEOUT.toNanos();
    while (System.nanoTime() < giveUp) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      sleep(Duration.ofMillis(20));
    }
    throw new IllegalStateException("timed out waiting for " + what);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static Row row(
      String figure,
      List<Outcome> outcomes,
      int runs,
      ReleaseReason reason,
      String configured,
      Duration bound) {
    long[] delays = new long[outcomes.size()];
    int n = 0;
    int wrong = 0;
    for (Outcome outcome : outcomes) {
      if (outcome.delay() == null) {
        continue;
      }
      if (outcome.reason() != reason) {
        wrong++;
      }
      delays[n++] = outcome.delay().toNanos();
    }
    delays = Arrays.copyOf(delays, n);
    String value;
    boolean met;
    if (n == 0) {
      value = "no release";
      met = false;
    } else {
      Percentiles p = new Percentiles(delays);
      value =
          String.format(
              Locale.ROOT,
              "p50 %s, max %s",
              Row.millis(p.at(50) / 1e6),
              Row.millis(p.max() / 1e6));
      met = n == runs && wrong == 0 && p.max() <= bound.toNanos();
    }
    if (n < runs || wrong > 0) {
      value += String.format(Locale.ROOT, " [%d of %d released, %d wrong reason]", n, runs, wrong);
    }
    return new Row(
        figure, value, configured, "-", "max <= " + bound.toMillis() + " ms", Row.verdict(met));
  }
}
