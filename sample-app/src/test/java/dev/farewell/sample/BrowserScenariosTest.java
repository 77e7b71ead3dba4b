package dev.farewell.sample;

import static dev.farewell.sample.BrowserFixture.EXIT_GRACE;
import static dev.farewell.sample.BrowserFixture.HEARTBEAT_INTERVAL;
import static dev.farewell.sample.BrowserFixture.HEARTBEAT_TIMEOUT;
import static dev.farewell.sample.BrowserFixture.HIDDEN_TIMEOUT;
import static dev.farewell.sample.BrowserFixture.NAVIGATION_GRACE;
import static dev.farewell.sample.BrowserFixture.PAGE_LOAD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.PageState;
import dev.farewell.ReleaseReason;
import dev.farewell.browser.ChromiumTab;
import dev.farewell.browser.DevToolsConnection;
import dev.farewell.browser.Engine;
import dev.farewell.browser.SharedBrowsers;
import dev.farewell.browser.Tab;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scenarios of the demo in real browsers, each asserting on the release log: the ones every
 * engine can play run in Chromium, Firefox and WebKit (some behind a {@link Gateway} that adds a
 * CSP or refuses heartbeats); those that need the DevTools protocol (renderer crash, frozen page)
 * in Chromium. See {@link BrowserFixture} for the (short) timeouts.
 */
class BrowserScenariosTest {

  /** One browser per engine for the class; each scenario gets a context (and a demo) of its own. */
  @RegisterExtension static final SharedBrowsers browsers = new SharedBrowsers();

  /** Margin for a loaded machine on top of what a scenario is allowed to take. */
  private static final Duration SLACK = Duration.ofSeconds(15);

  /**
   * How long past the end of a grace a "nothing is released" window lasts: the server releases an
   * exit at the exact end of its grace, so this only covers the release being logged.
   */
  private static final Duration GRACE_MARGIN = Duration.ofMillis(500);

  @ParameterizedTest
  @EnumSource(Engine.class)
  void closingTheTabReleasesWithExitWithinTheExitGracePlusOneSecond(Engine engine) {
    try (BrowserFixture f = BrowserFixture.start(browsers, engine)) {
      Tab tab = f.logIn("alice");
      tab.close();
      ReleaseRecord release = f.awaitRelease("alice", EXIT_GRACE.plus(SLACK));
      assertThat(release.reason()).isEqualTo(ReleaseReason.EXIT);
      assertThat(release.sinceLastSignal()).isLessThanOrEqualTo(EXIT_GRACE.plusSeconds(1));
      assertThat(f.app.seatsInUse()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void reloadingThePageAndFollowingAnInAppLinkReleaseNothing(Engine engine) {
    try (BrowserFixture f = BrowserFixture.start(browsers, engine)) {
      Tab tab = f.logIn("alice");
      Object firstPage = tab.evaluate("Farewell.pageId");
      tab.reload();
      await()
          .atMost(PAGE_LOAD)
          .ignoreExceptions()
          .until(() -> !firstPage.equals(tab.evaluate("Farewell.pageId")));
      f.awaitAppPage(tab, "/app");
      tab.evaluate("document.getElementById('other').click(); true");
      f.awaitAppPage(tab, "/app/other");
      // Once the server has the last exit (nav:true) and the new page, a wrong release could only
      // come from that exit's navigation grace, which ends on the dot.
      await().atMost(SLACK).until(() -> f.livePages("alice") == 1 && f.visiblePages("alice") == 1);

      await()
          .during(NAVIGATION_GRACE.plus(GRACE_MARGIN))
          .atMost(NAVIGATION_GRACE.plus(SLACK))
          .until(() -> f.releasesOf("alice").isEmpty());
      assertThat(f.visiblePages("alice")).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void closingOneOfTwoTabsReleasesNothingAndClosingTheSecondReleasesWithExit(Engine engine) {
    try (BrowserFixture f = BrowserFixture.start(browsers, engine)) {
      Tab first = f.logIn("alice");
      // A tab opened later comes to the front: the first one is hidden now.
      Tab second = f.openAppTab("/app/other");
      await().atMost(PAGE_LOAD).until(() -> f.livePages("alice") == 2);

      first.close();
      // From the exit's arrival, a wrong release could only come at the end of its exit grace.
      await().atMost(SLACK).until(() -> f.livePages("alice") == 1);
      await()
          .during(EXIT_GRACE.plus(GRACE_MARGIN))
          .atMost(EXIT_GRACE.plus(SLACK))
          .until(() -> f.releasesOf("alice").isEmpty());
      assertThat(f.livePages("alice")).isEqualTo(1);

      second.close();
      ReleaseRecord release = f.awaitRelease("alice", EXIT_GRACE.plus(SLACK));
      assertThat(release.reason()).isEqualTo(ReleaseReason.EXIT);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void killingTheBrowserReleasesWithTimeoutWithinTheHeartbeatTimeoutPlusTwoSeconds(Engine engine) {
    try (BrowserFixture f = BrowserFixture.start(browsers, engine)) {
      f.logIn("alice");
      f.browser.kill();
      ReleaseRecord release = f.awaitRelease("alice", HEARTBEAT_TIMEOUT.plus(SLACK));
      assertThat(release.reason()).isEqualTo(ReleaseReason.TIMEOUT);
      assertThat(release.sinceLastSignal())
          .isLessThanOrEqualTo(HEARTBEAT_TIMEOUT.plusSeconds(2));
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void crashingTheRendererReleasesThePageWithItsDeferredExit(boolean hidden) {
    // The page keeps a deferred exit (fetchLater) armed, visible or hidden, without a delay of
    // its own: the browser sends it when the page's renderer dies. Released with EXIT after the
    // exit grace, long before the heartbeat timeout, or the hidden timeout (a minute here).
    Duration hiddenTimeout = Duration.ofSeconds(60);
    try (BrowserFixture f =
        BrowserFixture.startWithHiddenTimeout(browsers, Engine.CHROMIUM, hiddenTimeout)) {
      ChromiumTab tab = (ChromiumTab) f.logIn("alice");
      DevToolsConnection devTools = tab.devTools();
      PageState state = PageState.VISIBLE;
      if (hidden) {
        tab.minimizeWindow();
        assertThat(tab.evaluate("document.visibilityState")).isEqualTo("hidden");
        state = PageState.HIDDEN;
      }
      PageState expected = state;
      await().atMost(SLACK).until(() -> f.pageStates("alice").contains(expected));
      // a few of the worker's beats, after each of which the page arms its deferred exit again
      await().pollDelay(HEARTBEAT_INTERVAL.multipliedBy(3)).until(() -> true);
      long crashedAt = System.nanoTime();
      devTools.sendAsync("Page.crash", Map.of());

      ReleaseRecord release = f.awaitRelease("alice", hiddenTimeout.plus(SLACK));
      Duration sinceCrash = Duration.ofNanos(System.nanoTime() - crashedAt);
      assertThat(f.browser.isAlive()).isTrue();
      assertThat(release.reason()).as("released %s after the crash", sinceCrash)
          .isEqualTo(ReleaseReason.EXIT);
      assertThat(release.sinceLastSignal()).isLessThanOrEqualTo(EXIT_GRACE.plusSeconds(1));
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aTabChromiumDiscardsIsReleasedWithItsDeferredExitNotAfterTheHiddenTimeout(boolean frozen) {
    // Chrome discards background tabs (Memory Saver, memory pressure), frozen first or not: the
    // page's document ends without an event, and the browser sends its armed deferred exit. The
    // hidden timeout is far past the exit grace: a discarded page that sent nothing would hold the
    // session that long.
    Duration hiddenTimeout = Duration.ofSeconds(60);
    try (BrowserFixture f =
        BrowserFixture.startWithHiddenTimeout(browsers, Engine.CHROMIUM, hiddenTimeout)) {
      ChromiumTab shown = (ChromiumTab) f.logIn("alice");
      // Another tab (no page of the application) comes to the front: the first one is hidden.
      Tab blank = f.browser.newTab(URI.create("about:blank"));
      await().atMost(SLACK).until(() -> f.pageStates("alice").equals(List.of(PageState.HIDDEN)));
      if (frozen) {
        shown.devTools().send("Page.setWebLifecycleState", Map.of("state", "frozen"));
      }
      f.chromium().discard(shown);

      ReleaseRecord release = f.awaitRelease("alice", hiddenTimeout.plus(SLACK));
      assertThat(release.reason()).isEqualTo(ReleaseReason.EXIT);
      assertThat(release.sinceLastSignal()).isLessThanOrEqualTo(EXIT_GRACE.plusSeconds(1));
      blank.close();
    }
  }

  @Test
  void aHiddenPageOutlivesTheVisibleTimeoutAndIsReleasedAfterTheHiddenTimeoutOnceFrozen() {
    try (BrowserFixture f = BrowserFixture.start(browsers)) {
      ChromiumTab tab = (ChromiumTab) f.logIn("alice");
      DevToolsConnection devTools = tab.devTools();
      tab.minimizeWindow();
      assertThat(tab.evaluate("document.visibilityState")).isEqualTo("hidden");
      await().atMost(SLACK).until(() -> f.pageStates("alice").contains(PageState.HIDDEN));

      await()
          .during(HEARTBEAT_TIMEOUT.plusSeconds(2))
          .atMost(HEARTBEAT_TIMEOUT.plus(SLACK))
          .until(() -> f.releasesOf("alice").isEmpty());

      devTools.send("Page.setWebLifecycleState", Map.of("state", "frozen"));
      ReleaseRecord release = f.awaitRelease("alice", HIDDEN_TIMEOUT.plus(SLACK));
      assertThat(release.reason()).isEqualTo(ReleaseReason.TIMEOUT);
      assertThat(release.sinceLastSignal())
          .isGreaterThanOrEqualTo(HIDDEN_TIMEOUT.minusMillis(500))
          .isLessThanOrEqualTo(HIDDEN_TIMEOUT.plusSeconds(2));
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aPageRestoredFromTheBackForwardCacheResumesAndKeepsTheSession(Engine engine) {
    try (BrowserFixture f = BrowserFixture.start(browsers, engine)) {
      Tab tab = f.logIn("alice");
      Object page = tab.evaluate("Farewell.pageId");
      if (tab instanceof ChromiumTab) {
        ((ChromiumTab) tab).devTools().send("Page.enable");
      }
      tab.navigate(f.uri().resolve("/"));
      await()
          .atMost(PAGE_LOAD)
          .ignoreExceptions()
          .until(() -> "/".equals(tab.evaluate("location.pathname")));
      tab.evaluate("history.back(); true");
      f.awaitAppPage(tab, "/app");

      assertThat(tab.evaluate("window.farewellRestored"))
          .as("restored from the back/forward cache in %s%s", engine,
              tab instanceof ChromiumTab
                  ? "; not used because " + ((ChromiumTab) tab).devTools().events("Page.backForwardCacheNotUsed")
                  : "")
          .isEqualTo(1L);
      assertThat(tab.evaluate("Farewell.pageId")).isEqualTo(page);
      // Once the restored page is visible again, a wrong release could only come at the end of
      // an exit grace (an exit sent on the way into the cache).
      await().atMost(SLACK).until(() -> f.visiblePages("alice") == 1);
      await()
          .during(EXIT_GRACE.plus(GRACE_MARGIN))
          .atMost(EXIT_GRACE.plus(SLACK))
          .until(() -> f.releasesOf("alice").isEmpty());
      assertThat(f.visiblePages("alice")).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aPageLearnsThroughItsReleasedCallbackThatAnotherTabLoggedOut(Engine engine) {
    try (BrowserFixture f = BrowserFixture.start(browsers, engine)) {
      Tab first = f.logIn("alice");
      Tab second = f.openAppTab("/app/other");
      second.evaluate("document.getElementById('logout').click(); true");

      await()
          .atMost(SLACK)
          .ignoreExceptions()
          .until(() -> "EXPLICIT".equals(first.evaluate("window.farewellReleased")));
      assertThat(first.evaluate("document.getElementById('status').textContent"))
          .isEqualTo("Your session has ended (EXPLICIT).");
      ReleaseRecord release = f.awaitRelease("alice", SLACK);
      assertThat(release.reason()).isEqualTo(ReleaseReason.EXPLICIT);
    }
  }
  @ParameterizedTest
  @EnumSource(Engine.class)
  void aPageUnderAStrictContentSecurityPolicyBeatsFromItsWorkerWithoutAViolationAndExits(Engine engine) {
    try (BrowserFixture f = BrowserFixture.startBehindGateway(browsers, engine)) {
      f.gateway.contentSecurityPolicy("script-src 'nonce-{nonce}'; worker-src 'self'");
      Tab tab = f.logIn("alice");
      assertThat(tab.evaluate("Farewell.worker")).as("beats from the same-origin worker").isEqualTo(true);
      beatsOnWithoutRelease(f, "alice");
      assertThat(tab.evaluate("JSON.stringify(window.cspViolations)")).isEqualTo("[]");
      tab.close();
      assertThat(f.awaitRelease("alice", EXIT_GRACE.plus(SLACK)).reason()).isEqualTo(ReleaseReason.EXIT);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aPageWhoseContentSecurityPolicyBlocksTheWorkerBeatsFromPageTimersAndExits(Engine engine) {
    try (BrowserFixture f = BrowserFixture.startBehindGateway(browsers, engine)) {
      f.gateway.contentSecurityPolicy("script-src 'nonce-{nonce}'; worker-src 'none'");
      Tab tab = f.logIn("alice");
      assertThat(tab.evaluate("Farewell.worker")).as("no worker under worker-src 'none'").isEqualTo(false);
      assertThat(String.valueOf(tab.evaluate("window.cspViolations.join()"))).contains("worker-src");
      beatsOnWithoutRelease(f, "alice");
      tab.close();
      assertThat(f.awaitRelease("alice", EXIT_GRACE.plus(SLACK)).reason()).isEqualTo(ReleaseReason.EXIT);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void twoProxyRefusalsInARowDoNotReleaseAVisiblePage(Engine engine) {
    try (BrowserFixture f = BrowserFixture.startBehindGateway(browsers, engine)) {
      f.logIn("alice");
      f.gateway.refuseHeartbeats(2);
      await().atMost(SLACK).until(() -> f.gateway.heartbeatsRefused() == 2);
      beatsOnWithoutRelease(f, "alice");
      assertThat(f.visiblePages("alice")).isEqualTo(1);
    }
  }

  /**
   * alert() blocks the page's main thread. In Chromium and Firefox the snippet's dedicated worker
   * beats on; in WebKit (WebKitGTK 2.50) the worker's requests wait for the main thread, so no beat
   * arrives while the alert is open, and the page is held by the {@code hidden} it sent just
   * before the dialog opened, for the hidden timeout (here twice the heartbeat timeout and a margin
   * for a loaded machine). Its held beats arrive once the alert is closed; closing the tab later
   * releases the session as usual.
   */
  @ParameterizedTest
  @EnumSource(Engine.class)
  void aVisiblePageShowingAnAlertForTwiceTheHeartbeatTimeoutKeepsItsSessionAndExitsWhenClosed(Engine engine) {
    Duration hiddenTimeout = HEARTBEAT_TIMEOUT.multipliedBy(2).plus(SLACK);
    try (BrowserFixture f = BrowserFixture.startWithHiddenTimeout(browsers, engine, hiddenTimeout)) {
      Tab tab = f.logIn("alice");
      // A page the user has been on for a moment: a beat has come after the open (on a page with
      // a worker only the worker beats), so that the alert meets a running worker, not one still
      // starting up.
      long opened = sequence(f, "alice");
      await().atMost(SLACK).until(() -> sequence(f, "alice") > opened);
      // (whether the worker drove the beats as the alert opened: without it, nothing beats)
      Object worker = tab.evaluate(
          "setTimeout(() => { const t = Date.now(); alert('still here');"
              + " window.alertMs = Date.now() - t; }, 0); Farewell.worker");
      await().atMost(SLACK).until(() -> tab.dialog().isPresent());
      if (engine == Engine.WEBKIT) {
        await().atMost(SLACK).until(() -> f.pageStates("alice").equals(List.of(PageState.HIDDEN)));
      }
      long before = sequence(f, "alice");
      try {
        await()
            .during(HEARTBEAT_TIMEOUT.multipliedBy(2))
            .atMost(HEARTBEAT_TIMEOUT.multipliedBy(2).plus(SLACK))
            .untilAsserted(() -> assertThat(f.releasesOf("alice"))
                .as("releases while the alert was open")
                .isEmpty());
        assertThat(tab.dialog()).as("the alert is still open").contains("still here");
        if (engine == Engine.WEBKIT) {
          assertThat(sequence(f, "alice")).as("no beat arrived while the alert was open").isEqualTo(before);
          assertThat(f.pageStates("alice")).as("held as hidden").containsExactly(PageState.HIDDEN);
        } else {
          assertThat(sequence(f, "alice"))
              .as("beats arrived while the alert was open (worker: %s)", worker)
              .isGreaterThan(before);
          assertThat(f.pageStates("alice"))
              .as("kept visible by the worker's beats (worker: %s)", worker)
              .containsExactly(PageState.VISIBLE);
        }
      } finally {
        tab.acceptDialog();
      }
      await()
          .atMost(SLACK)
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(((Number) tab.evaluate("window.alertMs")).longValue())
              .as("the main thread was blocked by the alert")
              .isGreaterThanOrEqualTo(HEARTBEAT_TIMEOUT.multipliedBy(2).toMillis()));
      await()
          .atMost(SLACK)
          .untilAsserted(() -> assertThat(f.pageStates("alice"))
              .as("the page's state once the alert was closed")
              .containsOnlyOnce(PageState.VISIBLE));
      assertThat(f.releasesOf("alice")).isEmpty();

      tab.close();
      ReleaseRecord release = f.awaitRelease("alice", EXIT_GRACE.plus(SLACK));
      assertThat(release.reason()).as("the reason of %s", release).isEqualTo(ReleaseReason.EXIT);
    }
  }

  /**
   * Over more than a heartbeat timeout, {@code user}'s session is not released and its page's
   * beats keep arriving (its sequence grows).
   */
  private static void beatsOnWithoutRelease(BrowserFixture f, String user) {
    long before = sequence(f, user);
    await()
        .during(HEARTBEAT_TIMEOUT.plusSeconds(1))
        .atMost(HEARTBEAT_TIMEOUT.plus(SLACK))
        .until(() -> f.releasesOf(user).isEmpty());
    assertThat(sequence(f, user)).as("beats arrived").isGreaterThan(before);
  }

  /** The newest sequence number of {@code user}'s pages. */
  private static long sequence(BrowserFixture f, String user) {
    return f.session(user)
        .map(s -> s.pages().stream().mapToLong(p -> p.sequence()).max().orElse(0))
        .orElse(0L);
  }
}
