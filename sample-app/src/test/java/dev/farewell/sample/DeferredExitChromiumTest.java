package dev.farewell.sample;

import static dev.farewell.sample.BrowserFixture.EXIT_GRACE;
import static dev.farewell.sample.BrowserFixture.PAGE_LOAD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.PageState;
import dev.farewell.ReleaseReason;
import dev.farewell.browser.ChromiumTab;
import dev.farewell.browser.DevToolsConnection;
import dev.farewell.browser.SharedBrowsers;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The snippet's deferred exit (fetchLater, no activateAfter) and the back/forward cache, in real
 * Chromium: a page (visible, or hidden, which has already said hidden) stays in the cache longer
 * than the exit grace and is not released, because the snippet withdraws its armed exit on the
 * way in; and the premise, that Chromium sends an exit left armed on entering the cache (the fake
 * browser of the node tests does the same).
 */
class DeferredExitChromiumTest {

  @RegisterExtension static final SharedBrowsers browsers = new SharedBrowsers();

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aPageInTheCacheLongerThanTheExitGraceIsNotReleased(boolean hidden) {
    try (BrowserFixture f = BrowserFixture.start(browsers)) {
      ChromiumTab tab = (ChromiumTab) f.logIn("alice");
      DevToolsConnection devTools = tab.devTools();
      devTools.send("Page.enable");
      if (hidden) {
        tab.minimizeWindow();
        assertThat(tab.evaluate("document.visibilityState")).isEqualTo("hidden");
        await().atMost(Duration.ofSeconds(15))
            .until(() -> f.pageStates("alice").contains(PageState.HIDDEN));
      }
      // a few beats, each of which re-arms the deferred exit
      await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
      tab.navigate(f.uri().resolve("/"));
      await().atMost(PAGE_LOAD).ignoreExceptions()
          .until(() -> "/".equals(tab.evaluate("location.pathname")));
      // in the cache for three exit graces
      await().during(EXIT_GRACE.multipliedBy(3)).atMost(EXIT_GRACE.multipliedBy(3).plusSeconds(10))
          .until(() -> f.releasesOf("alice").isEmpty());
      tab.evaluate("history.back(); true");
      f.awaitAppPage(tab, "/app");
      assertThat(tab.evaluate("window.farewellRestored"))
          .as("restored from the cache; not used because %s",
              devTools.events("Page.backForwardCacheNotUsed"))
          .isEqualTo(1L);
      assertThat(f.releasesOf("alice")).isEmpty();
    }
  }

  /**
   * The premise, checked: an exit left armed (fetchLater, no activateAfter) when the page goes into
   * the cache is sent by Chromium on entering it, and the session is released while the page sits
   * in the cache.
   */
  @Test
  void anExitLeftArmedIsSentOnEnteringTheCache() {
    try (BrowserFixture f = BrowserFixture.start(browsers)) {
      ChromiumTab tab = (ChromiumTab) f.logIn("alice");
      tab.devTools().send("Page.enable");
      Object armed = tab.evaluate(
          "(() => { const t = document.querySelector('script[data-token]').dataset.token;"
              + " fetchLater('/farewell/beacon', { method: 'POST', body: JSON.stringify({ v: 1,"
              + " type: 'exit', token: t, page: Farewell.pageId, seq: 2 ** 52, hidden: true }) });"
              + " return true; })()");
      assertThat(armed).isEqualTo(true);
      tab.navigate(f.uri().resolve("/"));
      ReleaseRecord release = f.awaitRelease("alice", Duration.ofSeconds(15));
      assertThat(release.reason()).isEqualTo(ReleaseReason.EXIT);
      // it was in the cache (else the snippet's own exit on pagehide would explain the release)
      tab.evaluate("history.back(); true");
      await().atMost(PAGE_LOAD).ignoreExceptions().until(() -> Boolean.TRUE.equals(
          tab.evaluate("location.pathname == '/app' && document.readyState == 'complete'")));
      assertThat(tab.evaluate("window.farewellRestored"))
          .as("not used because %s; released %s", tab.devTools().events("Page.backForwardCacheNotUsed"),
              tab.evaluate("window.farewellReleased"))
          .isEqualTo(1L);
    }
  }
}
