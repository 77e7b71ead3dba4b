package dev.farewell.sample.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.browser.BrowserSupport;
import dev.farewell.browser.Chromium;
import dev.farewell.browser.Tab;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The sample in real headless Chromium: two browser contexts (like two browser profiles) log in as
 * the same user through Spring Security's login form.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleBrowserTest {

  private static final Duration PAGE_LOAD = Duration.ofSeconds(30);

  @Value("${local.server.port}")
  int port;

  @Value("${farewell.exit-grace}")
  Duration exitGrace;

  @Autowired
  Farewell farewell;

  @Autowired
  RecentReleases releases;

  private Chromium chromium;

  @BeforeEach
  void launch() {
    chromium = BrowserSupport.launchOrSkip();
  }

  @AfterEach
  void close() {
    if (chromium != null) {
      chromium.close();
    }
  }

  @Test
  void secondLoginIsRefusedWhileTheFirstTabIsOpenAndAcceptedWithinTheExitGraceAfterItClosed() {
    Tab first = chromium.newIsolatedTab(uri("/login"));
    logIn(first, "alice");
    awaitHomePageRunning(first);
    await().atMost(PAGE_LOAD).until(() -> farewell.snapshot().stream()
        .anyMatch(s -> !s.pages().isEmpty()));

    Tab second = chromium.newIsolatedTab(uri("/login"));
    logIn(second, "alice");
    await().atMost(PAGE_LOAD).ignoreExceptions().until(() -> Boolean.TRUE.equals(
        second.evaluate("location.search == '?error' && document.readyState == 'complete'")));

    Instant closedAt = Instant.now();
    chromium.closeTab(first.id());

    await().atMost(exitGrace.plusSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> !releases.list().isEmpty());
    Release release = releases.list().get(0);
    assertThat(release.reason()).isEqualTo(ReleaseReason.EXIT);
    assertThat(Duration.between(closedAt, release.releasedAt()))
        .as("release after the tab closed").isLessThanOrEqualTo(exitGrace.plusSeconds(1));

    second.navigate(uri("/login"));
    logIn(second, "alice");
    awaitHomePageRunning(second);
    assertThat(second.evaluate("document.getElementById('user').textContent")).isEqualTo("alice");
    List<Release> all = releases.list();
    assertThat(all).hasSize(1);

    // The logged-in user sees the release in Actuator: the farewell endpoint and the meters.
    second.navigate(uri("/actuator/farewell"));
    await().atMost(PAGE_LOAD).ignoreExceptions().until(() -> String.valueOf(
        second.evaluate("document.body.textContent")).contains(release.releaseId()));
    String report = String.valueOf(second.evaluate("document.body.textContent"));
    assertThat(report).contains("\"reason\":\"exit\"").doesNotContain(release.sessionKey());
    second.navigate(uri("/actuator/metrics/farewell.releases?tag=reason:exit"));
    await().atMost(PAGE_LOAD).ignoreExceptions().until(() -> String.valueOf(
        second.evaluate("document.body.textContent"))
        .contains("\"statistic\":\"COUNT\",\"value\":1.0"));
  }

  private void logIn(Tab tab, String user) {
    await().atMost(PAGE_LOAD).ignoreExceptions().until(() -> Boolean.TRUE.equals(tab.evaluate(
        "location.pathname == '/login' && document.readyState == 'complete'"
            + " && !!document.querySelector('input[name=username]')")));
    tab.evaluate("document.querySelector('input[name=username]').value = '" + user + "';"
        + " document.querySelector('input[name=password]').value = 'password';"
        + " document.querySelector('form').submit(); true");
  }

  private void awaitHomePageRunning(Tab tab) {
    await().atMost(PAGE_LOAD).ignoreExceptions().until(() -> Boolean.TRUE.equals(tab.evaluate(
        "location.pathname == '/' && document.readyState == 'complete'"
            + " && !!window.Farewell && Farewell.running")));
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }
}
