package dev.farewell.sample;

import static dev.farewell.sample.BrowserFixture.HEARTBEAT_INTERVAL;
import static dev.farewell.sample.BrowserFixture.PAGE_LOAD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.FarewellStats.Outcome;
import dev.farewell.SignalType;
import dev.farewell.browser.Engine;
import dev.farewell.browser.JsonValues;
import dev.farewell.browser.SharedBrowsers;
import dev.farewell.browser.Tab;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Closed tabs deliver their exit, every one of them, counted at the server: tabs of a logged-in
 * session are closed one at a time, and ten at once, and the engine must accept one {@code exit}
 * signal per closed tab (a tab whose exit is lost stays listed until a timeout). A page beating
 * from the test holds the session meanwhile, so that each closed tab is the last of the demo's site
 * in the browser: in Firefox its content process ends with it, which dropped the queued exit beacon
 * of 2 to 3 closes in 100 before the snippet sent the exit by keepalive fetch as well. Firefox
 * closes 100 tabs one at a time (issue 15 asks for 100 of 100), the other engines 20; {@code
 * -Dfarewell.tabCloses=N} sets the number for all.
 */
class TabClosesTest {

  /** Ten tabs closed together this many times per engine (the issue saw 14 exits of 30). */
  static final int ROUNDS_OF_TEN = 3;

  /** How long an exit may take to reach the server after its tab closed, on a loaded machine. */
  private static final Duration EXIT_ARRIVAL = Duration.ofSeconds(10);

  @RegisterExtension static final SharedBrowsers browsers = new SharedBrowsers();

  @ParameterizedTest
  @EnumSource(Engine.class)
  void everyTabClosedOnItsOwnDeliversItsExit(Engine engine) {
    int closes = Integer.getInteger("farewell.tabCloses", engine == Engine.FIREFOX ? 100 : 20);
    try (BrowserFixture f = BrowserFixture.start(browsers, engine);
        SessionKeeper keeper = SessionKeeper.hold(f, f.logIn("alice"))) {
      Tab tab = keeper.loginTab;
      List<Integer> lost = new ArrayList<>();
      for (int close = 1; close <= closes; close++) {
        if (close > 1) {
          tab = openBeatingTab(f);
        }
        tab.close();
        long expected = close - lost.size();
        if (!within(EXIT_ARRIVAL, () -> acceptedExits(f) >= expected)) {
          lost.add(close);
        }
      }
      String count = (closes - lost.size()) + " of " + closes;
      System.out.println(engine + ": " + count + " tabs closed one at a time delivered their exit");
      assertThat(lost).as("%s: %s exits; the closes whose exit did not arrive", engine, count).isEmpty();
      assertThat(acceptedExits(f)).as("exits accepted").isEqualTo(closes);
      assertThat(f.releasesOf("alice")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void tenTabsClosedTogetherDeliverTenExits(Engine engine) {
    try (BrowserFixture f = BrowserFixture.start(browsers, engine);
        SessionKeeper keeper = SessionKeeper.hold(f, f.logIn("alice"))) {
      keeper.loginTab.close();
      await().atMost(EXIT_ARRIVAL).until(() -> acceptedExits(f) == 1);
      List<Long> delivered = new ArrayList<>();
      for (int round = 1; round <= ROUNDS_OF_TEN; round++) {
        List<Tab> tabs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          tabs.add(openBeatingTab(f));
        }
        long before = acceptedExits(f);
        tabs.parallelStream().forEach(Tab::close);
        within(EXIT_ARRIVAL, () -> acceptedExits(f) - before >= 10);
        delivered.add(acceptedExits(f) - before);
      }
      long total = delivered.stream().mapToLong(Long::longValue).sum();
      String count = total + " of " + 10 * ROUNDS_OF_TEN;
      System.out.println(engine + ": " + count + " tabs closed ten at a time delivered their exit");
      assertThat(delivered).as("%s: %s exits, per round of ten", engine, count).containsOnly(10L);
      assertThat(f.releasesOf("alice")).isEmpty();
    }
  }

  /** Opens an app tab of the logged-in browser and waits until the server lists its page. */
  private static Tab openBeatingTab(BrowserFixture f) {
    Tab tab = f.openAppTab("/app/other");
    String page = (String) tab.evaluate("Farewell.pageId");
    await().atMost(PAGE_LOAD).until(() -> f.session("alice")
        .map(s -> s.pages().stream().anyMatch(p -> p.pageId().equals(page)))
        .orElse(false));
    return tab;
  }

  /** The exit signals the demo's engine accepted (a second copy of one is ignored, not counted). */
  private static long acceptedExits(BrowserFixture f) {
    return f.app.engine().stats().signals(SignalType.EXIT, Outcome.ACCEPTED);
  }

  private static boolean within(Duration atMost, Callable<Boolean> condition) {
    try {
      await().atMost(atMost).pollInterval(Duration.ofMillis(20)).until(condition);
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  /**
   * A page of the session beating from the test, as a tab in another browser would: it holds the
   * session while the browser's tabs close, without keeping the site open in the browser.
   */
  private static final class SessionKeeper implements AutoCloseable {
    final Tab loginTab;
    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();

    private SessionKeeper(Tab loginTab) {
      this.loginTab = loginTab;
    }

    /** Starts beating for the session of the page in {@code loginTab}, with that page's token. */
    static SessionKeeper hold(BrowserFixture f, Tab loginTab) {
      SessionKeeper keeper = new SessionKeeper(loginTab);
      AtomicReference<String> token = new AtomicReference<>((String) loginTab.evaluate(
          "document.querySelector('script[data-token]').getAttribute('data-token')"));
      DemoClient client = new DemoClient(f.app.uri());
      String page = "keeper-" + UUID.randomUUID();
      AtomicLong seq = new AtomicLong();
      Runnable beat = () -> {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("v", 1);
        message.put("type", seq.get() == 0 ? "open" : "heartbeat");
        message.put("token", token.get());
        message.put("page", page);
        message.put("seq", seq.incrementAndGet());
        message.put("hidden", false);
        try {
          DemoClient.Answer answer = client.beacon(f.app.uri(), message);
          Object fresh = answer.status() == 200 ? JsonValues.object(answer.body()).get("token") : null;
          if (fresh != null) {
            token.set((String) fresh);
          }
        } catch (RuntimeException e) {
          // the next beat tries again (a failed task would end the schedule)
        }
      };
      beat.run();
      keeper.beats.scheduleWithFixedDelay(
          beat, HEARTBEAT_INTERVAL.toMillis(), HEARTBEAT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
      await().atMost(PAGE_LOAD).until(() -> f.livePages("alice") == 2);
      return keeper;
    }

    @Override
    public void close() {
      beats.shutdownNow();
    }
  }
}
