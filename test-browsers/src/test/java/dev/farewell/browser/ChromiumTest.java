package dev.farewell.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChromiumTest {

  @Test
  void aLaunchedBrowserOpensEvaluatesAndClosesATab() {
    try (Chromium chromium = BrowserSupport.launchOrSkip()) {
      Tab tab = chromium.newTab(URI.create("data:text/html,%3Ctitle%3Ehello%3C/title%3E"));
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(tab.evaluate("document.title")).isEqualTo("hello"));
      assertThat(tab.evaluate("1 + 1")).isEqualTo(2L);
      tab.close();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> chromium.targets().stream().noneMatch(t -> tab.id().equals(t.get("id"))));
    }
  }

  @Test
  void aKilledBrowserIsGone() {
    try (Chromium chromium = BrowserSupport.launchOrSkip()) {
      assertThat(chromium.isAlive()).isTrue();
      chromium.kill();
      assertThat(chromium.isAlive()).isFalse();
    }
  }
}
