package dev.farewell.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.browser.ChromiumTab;
import dev.farewell.browser.SharedBrowsers;
import dev.farewell.browser.Tab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard in a real browser: it shows live sessions with their pages and the release log
 * with every reason. Leaves a screenshot in {@code target/dashboard.png} (the one in {@code
 * docs/images} is taken this way).
 */
class DashboardScreenshotTest {

  @RegisterExtension static final SharedBrowsers browsers = new SharedBrowsers();

  @Test
  void theDashboardShowsLiveSessionsAndReleasesWithTheirReasons() throws Exception {
    try (BrowserFixture f = BrowserFixture.start(browsers)) {
      // erin's only page signals once and goes silent: TIMEOUT after the heartbeat timeout.
      DemoClient erin = new DemoClient(f.app.uri());
      erin.login("erin");
      open(erin, f, false);
      Tab alice = f.logIn("alice");
      Tab dave = f.chromium().newIsolatedTab(f.app.uri());
      logIn(f, dave, "dave");
      DemoClient carol = new DemoClient(f.app.uri());
      carol.login("carol");
      open(carol, f, false);
      carol.logout();
      dave.close();
      await().atMost(Duration.ofSeconds(30)).until(() -> f.app.releases().size() == 3);
      // bob's page is in a background tab: hidden, and beating.
      DemoClient bob = new DemoClient(f.app.uri());
      bob.login("bob");
      open(bob, f, true);
      Object bobToken = bob.me().get("token");
      AtomicLong bobSeq = new AtomicLong(1);
      ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
      beats.scheduleWithFixedDelay(
          () -> bob.beacon(f.app.uri(), Map.of("v", 1, "type", "heartbeat", "token", bobToken,
              "page", "page-bob-1", "seq", bobSeq.incrementAndGet(), "hidden", true)),
          500, 1000, TimeUnit.MILLISECONDS);
      try {
        screenshot(f, alice);
      } finally {
        beats.shutdownNow();
      }
    }
  }

  private static void screenshot(BrowserFixture f, Tab alice) throws Exception {
    {
      ChromiumTab dashboard = f.chromium().newWindow(f.app.uri().resolve("/dashboard"));
      dashboard
          .devTools()
          .send(
              "Emulation.setDeviceMetricsOverride",
              Map.of("width", 1040, "height", 720, "deviceScaleFactor", 1, "mobile", false));
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                String sessions = (String) dashboard.evaluate(
                    "document.getElementById('sessions').innerText");
                String releases = (String) dashboard.evaluate(
                    "document.getElementById('releases').innerText");
                assertThat(sessions).contains("alice", "bob", "visible", "hidden");
                assertThat(releases).contains("erin", "TIMEOUT", "carol", "EXPLICIT", "dave",
                    "EXIT");
              });
      Map<String, Object> shot =
          dashboard.devTools().send("Page.captureScreenshot", Map.of("format", "png"));
      byte[] png = Base64.getDecoder().decode((String) shot.get("data"));
      assertThat(png.length).isGreaterThan(10_000);
      Path target = Path.of(System.getProperty("farewell.sample.buildDirectory", "target"));
      Files.createDirectories(target);
      Files.write(target.resolve("dashboard.png"), png);
      assertThat(alice.evaluate("Farewell.running")).isEqualTo(true);
    }
  }

  private static void open(DemoClient client, BrowserFixture f, boolean hidden) {
    Object token = client.me().get("token");
    String page = "page-" + client.me().get("user") + "-1";
    DemoClient.Answer answer =
        client.beacon(
            f.app.uri(),
            Map.of("v", 1, "type", "open", "token", token, "page", page, "seq", 1,
                "hidden", hidden));
    assertThat(answer.status()).isEqualTo(200);
  }

  private static void logIn(BrowserFixture f, Tab tab, String user) {
    await()
        .atMost(BrowserFixture.PAGE_LOAD)
        .ignoreExceptions()
        .until(() -> Boolean.TRUE.equals(tab.evaluate(
            "document.readyState == 'complete' && !!document.querySelector('input[name=user]')")));
    tab.evaluate(
        "document.querySelector('input[name=user]').value = '" + user + "';"
            + " document.querySelector('form').submit(); true");
    f.awaitAppPage(tab, "/app");
  }
}
