package dev.farewell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.SignalResult.Status;
import dev.farewell.testing.CollectingReleaseListener;
import dev.farewell.testing.FakeTicker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The rules of a session's life, driven by a fake ticker with the default timings. */
class SessionLifecycleTest {

  private final FakeTicker ticker = new FakeTicker();
  private final CollectingReleaseListener released = new CollectingReleaseListener();
  private final Farewell farewell =
      Farewell.newBuilder()
          .ticker(ticker)
          .releaseExecutor(Runnable::run)
          .onRelease(released)
          .build();

  @AfterEach
  void close() {
    farewell.close();
  }

  private SignalResult send(SignalType type, String key, String page, long sequence) {
    return farewell.signal(Signal.of(type, key, page, sequence));
  }

  private void advance(long millis) {
    ticker.advanceMillis(millis);
    farewell.cleanUp();
  }

  @Test
  void visiblePageWithoutHeartbeatsIsReleasedWithTimeoutAfterHeartbeatTimeout() {
    farewell.track("s1");
    send(SignalType.OPEN, "s1", "p1", 0);

    advance(14_999);
    assertThat(released.size()).isZero();
    advance(1);

    assertThat(released.keys()).containsExactly("s1");
    Release release = released.releases().get(0);
    assertThat(release.reason()).isEqualTo(ReleaseReason.TIMEOUT);
    assertThat(release.sinceLastSignal()).isEqualTo(Duration.ofSeconds(15));
    assertThat(release.lateness()).isZero();
    assertThat(farewell.size()).isZero();
  }

  @Test
  void heartbeatsKeepTheSessionAlive() {
    farewell.track("s1");
    for (int beat = 0; beat < 100; beat++) {
      assertThat(send(SignalType.HEARTBEAT, "s1", "p1", beat)).isEqualTo(SignalResult.live(true));
      advance(5_000);
    }
    assertThat(released.size()).isZero();
    assertThat(farewell.session("s1")).map(SessionView::state).contains(SessionState.LIVE);
  }

  @Test
  void hiddenPageLivesUntilTheHiddenTimeout() {
    send(SignalType.OPEN, "s1", "p1", 0);
    farewell.signal(Signal.of(SignalType.HIDDEN, "s1", "p1", 1).withHidden(true));

    advance(149_999);
    assertThat(released.size()).isZero();
    assertThat(farewell.session("s1").orElseThrow().pages().get(0).state())
        .isEqualTo(PageState.HIDDEN);
    advance(1);

    assertThat(released.releaseOf("s1")).map(Release::reason).contains(ReleaseReason.TIMEOUT);
  }

  @Test
  void heartbeatMarkedHiddenGetsTheHiddenTimeout() {
    send(SignalType.OPEN, "s1", "p1", 0);
    farewell.signal(Signal.of(SignalType.HEARTBEAT, "s1", "p1", 1).withHidden(true));

    advance(100_000);

    assertThat(released.size()).isZero();
  }

  @Test
  void visibleSignalBringsBackTheHeartbeatTimeout() {
    send(SignalType.OPEN, "s1", "p1", 0);
    farewell.signal(Signal.of(SignalType.HIDDEN, "s1", "p1", 1).withHidden(true));
    send(SignalType.VISIBLE, "s1", "p1", 2);

    advance(15_000);

    assertThat(released.releaseOf("s1")).map(Release::reason).contains(ReleaseReason.TIMEOUT);
  }

  @Test
  void lastPageExitReleasesTheSessionWhenTheExitGraceEnds() {
    farewell.track("s1", Map.of("user", "u1"));
    send(SignalType.OPEN, "s1", "p1", 0);
    advance(1_000);

    assertThat(send(SignalType.EXIT, "s1", "p1", 1)).isEqualTo(SignalResult.exiting(true));
    assertThat(farewell.session("s1")).map(SessionView::state).contains(SessionState.EXITING);
    advance(2_999);
    assertThat(released.size()).isZero();
    advance(1);

    Release release = released.releaseOf("s1").orElseThrow();
    assertThat(release.reason()).isEqualTo(ReleaseReason.EXIT);
    assertThat(release.attributes()).containsEntry("user", "u1");
    assertThat(release.sinceLastSignal()).isEqualTo(Duration.ofSeconds(3));
    assertThat(Duration.between(release.trackedAt(), release.releasedAt()))
        .isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void navigationExitWaitsForTheNavigationGrace() {
    send(SignalType.OPEN, "s1", "p1", 0);
    farewell.signal(Signal.of(SignalType.EXIT, "s1", "p1", 1).asNavigation());

    advance(9_999);
    assertThat(released.size()).isZero();
    advance(1);

    assertThat(released.releaseOf("s1")).map(Release::reason).contains(ReleaseReason.EXIT);
  }

  @Test
  void reloadDuringTheExitGraceKeepsTheSession() {
    send(SignalType.OPEN, "s1", "p1", 0);
    send(SignalType.EXIT, "s1", "p1", 1);
    advance(500);

    assertThat(send(SignalType.OPEN, "s1", "p2", 0)).isEqualTo(SignalResult.live(true));
    advance(10_000);

    assertThat(released.size()).isZero();
    assertThat(farewell.session("s1")).map(SessionView::state).contains(SessionState.LIVE);
  }

  @Test
  void exitOfOneTabKeepsTheSessionWhileAnotherTabLives() {
    send(SignalType.OPEN, "s1", "tab1", 0);
    send(SignalType.OPEN, "s1", "tab2", 0);

    assertThat(send(SignalType.EXIT, "s1", "tab1", 1)).isEqualTo(SignalResult.live(true));
    advance(10_000);
    send(SignalType.HEARTBEAT, "s1", "tab2", 1);
    advance(10_000);
    assertThat(released.size()).isZero();

    assertThat(send(SignalType.EXIT, "s1", "tab2", 2)).isEqualTo(SignalResult.exiting(true));
    advance(3_000);
    assertThat(released.releaseOf("s1")).map(Release::reason).contains(ReleaseReason.EXIT);
  }

  @Test
  void sessionOutlivesATabThatStoppedBeatingWhileAnotherBeats() {
    send(SignalType.OPEN, "s1", "tab1", 0);
    send(SignalType.OPEN, "s1", "tab2", 0);
    for (int beat = 1; beat <= 10; beat++) {
      advance(5_000);
      send(SignalType.HEARTBEAT, "s1", "tab2", beat);
    }
    assertThat(released.size()).isZero();
    advance(15_000);
    assertThat(released.releaseOf("s1")).map(Release::reason).contains(ReleaseReason.TIMEOUT);
  }

  @Test
  void heartbeatDelayedPastTheExitDoesNotReviveThePage() {
    send(SignalType.OPEN, "s1", "p1", 0);
    send(SignalType.EXIT, "s1", "p1", 2);

    assertThat(send(SignalType.HEARTBEAT, "s1", "p1", 1)).isEqualTo(SignalResult.exiting(false));
    advance(3_000);

    assertThat(released.releaseOf("s1")).map(Release::reason).contains(ReleaseReason.EXIT);
  }

  @Test
  void repeatedSequenceNumberIsIgnored() {
    send(SignalType.OPEN, "s1", "p1", 0);
    advance(10_000);

    assertThat(send(SignalType.HEARTBEAT, "s1", "p1", 0)).isEqualTo(SignalResult.live(false));
    advance(5_000);

    assertThat(released.releaseOf("s1")).map(Release::reason).contains(ReleaseReason.TIMEOUT);
  }

  @Test
  void pageRestoredFromTheBackForwardCacheRevivesTheSession() {
    send(SignalType.OPEN, "s1", "p1", 0);
    send(SignalType.EXIT, "s1", "p1", 1);
    advance(1_000);

    assertThat(send(SignalType.RESUME, "s1", "p1", 2)).isEqualTo(SignalResult.live(true));
    advance(10_000);

    assertThat(released.size()).isZero();
    assertThat(farewell.session("s1").orElseThrow().pages().get(0).state())
        .isEqualTo(PageState.VISIBLE);
  }

  @Test
  void signalForAReleasedSessionAnswersReleasedWithTheReasonAndDoesNotReviveIt() {
    send(SignalType.OPEN, "s1", "p1", 0);
    advance(15_000);
    assertThat(released.count("s1")).isOne();

    assertThat(send(SignalType.HEARTBEAT, "s1", "p1", 5))
        .isEqualTo(SignalResult.released(ReleaseReason.TIMEOUT));
    assertThat(send(SignalType.OPEN, "s1", "p2", 0))
        .isEqualTo(SignalResult.released(ReleaseReason.TIMEOUT));
    advance(60_000);

    assertThat(released.count("s1")).isOne();
    assertThat(farewell.session("s1")).isEmpty();
  }

  @Test
  void explicitReleaseReleasesOnceAndIsIdempotent() {
    farewell.track("s1", Map.of("ticket", "t-1"));

    assertThat(farewell.release("s1")).isTrue();
    assertThat(farewell.release("s1")).isFalse();
    advance(60_000);

    assertThat(released.count("s1")).isOne();
    Release release = released.releaseOf("s1").orElseThrow();
    assertThat(release.reason()).isEqualTo(ReleaseReason.EXPLICIT);
    assertThat(release.attributes()).containsEntry("ticket", "t-1");
    assertThat(send(SignalType.HEARTBEAT, "s1", "p1", 1))
        .isEqualTo(SignalResult.released(ReleaseReason.EXPLICIT));
  }

  @Test
  void releaseOfAnUnknownSessionReturnsFalse() {
    assertThat(farewell.release("nobody")).isFalse();
    assertThat(released.size()).isZero();
  }

  @Test
  void trackedSessionWhosePageNeverSignalsIsReleasedAfterTheOpenTimeout() {
    farewell.track("s1");
    assertThat(farewell.session("s1")).map(SessionView::state).contains(SessionState.PENDING);

    advance(29_999);
    assertThat(released.size()).isZero();
    advance(1);

    assertThat(released.releaseOf("s1")).map(Release::reason).contains(ReleaseReason.TIMEOUT);
  }

  @Test
  void exitForAnUnknownSessionStartsNothing() {
    assertThat(send(SignalType.EXIT, "s1", "p1", 3)).isEqualTo(SignalResult.exiting(false));

    assertThat(farewell.session("s1")).isEmpty();
    assertThat(farewell.size()).isZero();
    advance(60_000);
    assertThat(released.size()).isZero();
  }

  @Test
  void heartbeatForAnUnknownSessionAdoptsIt() {
    // A page that outlived a restart of the engine keeps its session.
    assertThat(send(SignalType.HEARTBEAT, "s1", "p1", 41)).isEqualTo(SignalResult.live(true));

    assertThat(farewell.session("s1")).map(SessionView::state).contains(SessionState.LIVE);
    advance(15_000);
    assertThat(released.releaseOf("s1")).map(Release::reason).contains(ReleaseReason.TIMEOUT);
  }

  @Test
  void trackCancelsAPendingExitGrace() {
    send(SignalType.OPEN, "s1", "p1", 0);
    send(SignalType.EXIT, "s1", "p1", 1);
    advance(2_000);

    assertThat(farewell.track("s1")).isEqualTo(SignalResult.live(true));
    advance(5_000);
    assertThat(released.size()).isZero();
    send(SignalType.OPEN, "s1", "p2", 0);
    advance(10_000);

    assertThat(released.size()).isZero();
  }

  @Test
  void exitOfThePreviousPageAfterTrackWaitsForTheNewPageAsForANavigation() {
    send(SignalType.OPEN, "s1", "p1", 0);
    farewell.track("s1"); // the server renders the next page
    // the old page's pagehide, not marked as a navigation (a form post, a plain link)
    assertThat(send(SignalType.EXIT, "s1", "p1", 1)).isEqualTo(SignalResult.exiting(true));

    advance(9_000); // past the exit grace, within the navigation grace
    assertThat(released.size()).isZero();
    send(SignalType.OPEN, "s1", "p2", 0);
    advance(10_000);

    assertThat(released.size()).isZero();
  }

  @Test
  void exitAfterAPrefetchIsReleasedAfterTheNavigationGraceNotTheOpenTimeout() {
    send(SignalType.OPEN, "s1", "p1", 0);
    advance(1_000);
    farewell.track("s1"); // a prefetch: the page served is never shown
    send(SignalType.EXIT, "s1", "p1", 1); // the user closes the tab

    advance(9_999);
    assertThat(released.size()).isZero();
    advance(1);

    Release release = released.releaseOf("s1").orElseThrow();
    assertThat(release.reason()).isEqualTo(ReleaseReason.EXIT);
    assertThat(release.lateness()).isZero();
  }

  @Test
  void aLateSignalOfOneOfTwoExitedTabsDoesNotReviveIt() {
    send(SignalType.OPEN, "s1", "a", 0);
    send(SignalType.OPEN, "s1", "b", 0);
    send(SignalType.HEARTBEAT, "s1", "a", 5);
    send(SignalType.HEARTBEAT, "s1", "b", 5);
    send(SignalType.EXIT, "s1", "a", 6); // the window closes with both tabs
    assertThat(send(SignalType.EXIT, "s1", "b", 6)).isEqualTo(SignalResult.exiting(true));

    // a heartbeat of a sent before its exit, delayed in the network
    assertThat(send(SignalType.HEARTBEAT, "s1", "a", 4)).isEqualTo(SignalResult.exiting(false));
    advance(3_000);

    assertThat(released.releaseOf("s1")).map(Release::reason).contains(ReleaseReason.EXIT);
  }

  @Test
  void aTabRefusedForThePageLimitKeepsItsSessionAliveWhileItBeats() {
    try (Farewell limited =
        Farewell.newBuilder()
            .ticker(ticker)
            .releaseExecutor(Runnable::run)
            .onRelease(released)
            .maximumPagesPerSession(1)
            .build()) {
      limited.signal(Signal.of(SignalType.OPEN, "s1", "a", 0));
      assertThat(limited.signal(Signal.of(SignalType.OPEN, "s1", "b", 0)))
          .isEqualTo(SignalResult.full());
      for (int beat = 1; beat <= 6; beat++) {
        ticker.advanceMillis(5_000);
        limited.cleanUp();
        // tab a stopped beating after 15 s; tab b, refused, beats on
        assertThat(limited.signal(Signal.of(SignalType.HEARTBEAT, "s1", "b", beat)).status())
            .isIn(Status.FULL, Status.LIVE);
      }
      limited.cleanUp();
      assertThat(released.size()).isZero();
      // once tab a is gone, tab b has room and is tracked
      assertThat(limited.session("s1").orElseThrow().pages())
          .extracting(PageView::pageId)
          .containsExactly("b");
      ticker.advanceMillis(15_000);
      limited.cleanUp();
      assertThat(released.releaseOf("s1")).map(Release::reason).contains(ReleaseReason.TIMEOUT);
    }
  }

  @Test
  void trackOfAReleasedKeyStartsANewSession() {
    farewell.track("s1");
    farewell.release("s1");

    assertThat(farewell.track("s1")).isEqualTo(SignalResult.live(true));
    assertThat(send(SignalType.OPEN, "s1", "p1", 0)).isEqualTo(SignalResult.live(true));
    advance(15_000);

    assertThat(released.count("s1")).isEqualTo(2);
    assertThat(released.releases()).extracting(Release::reason)
        .containsExactly(ReleaseReason.EXPLICIT, ReleaseReason.TIMEOUT);
  }

  @Test
  void trackReplacesTheAttributesOnlyWhenNewOnesAreGiven() {
    farewell.track("s1", Map.of("user", "u1"));
    farewell.track("s1");
    assertThat(farewell.session("s1").orElseThrow().attributes()).containsEntry("user", "u1");

    farewell.track("s1", Map.of("user", "u2"));
    assertThat(farewell.session("s1").orElseThrow().attributes()).containsEntry("user", "u2");
  }

  @Test
  void snapshotShowsEverySessionWithItsPages() {
    farewell.track("s1", Map.of("user", "u1"));
    send(SignalType.OPEN, "s1", "p1", 0);
    send(SignalType.OPEN, "s1", "p2", 3);
    send(SignalType.EXIT, "s1", "p2", 4);
    farewell.track("s2");

    assertThat(farewell.snapshot())
        .extracting(SessionView::sessionKey, SessionView::state)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("s1", SessionState.LIVE),
            org.assertj.core.groups.Tuple.tuple("s2", SessionState.PENDING));
    SessionView s1 = farewell.session("s1").orElseThrow();
    assertThat(s1.pages())
        .extracting(PageView::pageId, PageView::state, PageView::sequence)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("p1", PageState.VISIBLE, 0L),
            org.assertj.core.groups.Tuple.tuple("p2", PageState.EXITED, 4L));
    assertThat(Duration.between(s1.lastSignalAt(), s1.deadline()))
        .isEqualTo(Duration.ofSeconds(15));
    assertThat(farewell.size()).isEqualTo(2);
  }

  @Test
  void signalsAfterCloseAnswerClosed() {
    send(SignalType.OPEN, "s1", "p1", 0);
    farewell.close();

    assertThat(send(SignalType.HEARTBEAT, "s1", "p1", 1)).isEqualTo(SignalResult.closed());
    assertThat(farewell.track("s2")).isEqualTo(SignalResult.closed());
    assertThat(farewell.isClosed()).isTrue();
    assertThat(released.size()).isZero();
  }

  @Test
  void pageIdsDrawnByTheSnippetAreMatchedAndShownUnchanged() {
    String page = java.util.UUID.randomUUID().toString();
    send(SignalType.OPEN, "s1", page, 0);
    advance(10_000);

    assertThat(send(SignalType.HEARTBEAT, "s1", page, 0)).isEqualTo(SignalResult.live(false));
    assertThat(send(SignalType.HEARTBEAT, "s1", page, 1)).isEqualTo(SignalResult.live(true));
    assertThat(farewell.session("s1").orElseThrow().pages())
        .extracting(PageView::pageId)
        .containsExactly(page);
    advance(14_999);
    assertThat(released.size()).isZero();
  }

  @Test
  void statusAnswersTellThePageWhatBecameOfItsSignal() {
    assertThat(send(SignalType.OPEN, "s1", "p1", 0).status()).isEqualTo(Status.LIVE);
    assertThat(send(SignalType.EXIT, "s1", "p1", 1).status()).isEqualTo(Status.EXITING);
    advance(3_000);
    SignalResult result = send(SignalType.RESUME, "s1", "p1", 2);
    assertThat(result.status()).isEqualTo(Status.RELEASED);
    assertThat(result.reason()).contains(ReleaseReason.EXIT);
    assertThat(result.accepted()).isFalse();
  }
}
