package dev.farewell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.farewell.testing.CollectingReleaseListener;
import dev.farewell.testing.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bounded memory (sessions, pages, tombstones) and what close() does with live sessions. */
class LimitsAndShutdownTest {

  private final FakeTicker ticker = new FakeTicker();
  private final CollectingReleaseListener released = new CollectingReleaseListener();

  private Farewell.Builder builder() {
    return Farewell.newBuilder().ticker(ticker).releaseExecutor(Runnable::run).onRelease(released);
  }

  private static SignalResult send(Farewell farewell, SignalType type, String key, String page,
      long sequence) {
    return farewell.signal(Signal.of(type, key, page, sequence));
  }

  @Test
  void newSessionsBeyondTheMaximumAreRefusedWithFullAndNoLiveSessionIsEvicted() {
    try (Farewell farewell = builder().maximumSessions(2).build()) {
      farewell.track("s1");
      send(farewell, SignalType.OPEN, "s2", "p", 0);

      assertThat(farewell.track("s3")).isEqualTo(SignalResult.full());
      assertThat(send(farewell, SignalType.OPEN, "s4", "p", 0)).isEqualTo(SignalResult.full());
      assertThat(farewell.size()).isEqualTo(2);
      assertThat(farewell.session("s1")).isPresent();
      assertThat(farewell.session("s2")).isPresent();
      assertThat(released.size()).isZero();
      // Known sessions still take signals.
      assertThat(send(farewell, SignalType.OPEN, "s1", "p", 0)).isEqualTo(SignalResult.live(true));
    }
  }

  @Test
  void aReleaseMakesRoomForANewSession() {
    try (Farewell farewell = builder().maximumSessions(1).build()) {
      farewell.track("s1");
      assertThat(farewell.track("s2")).isEqualTo(SignalResult.full());

      farewell.release("s1");

      assertThat(farewell.track("s2")).isEqualTo(SignalResult.live(true));
    }
  }

  @Test
  void sessionsReleasedByTimeMakeRoomForNewSessions() {
    try (Farewell farewell = builder().maximumSessions(1).build()) {
      send(farewell, SignalType.OPEN, "s1", "p", 0);
      // due at 15 s; the timer would have released it a timer tick (at most ~1.07 s) later
      ticker.advance(Duration.ofMillis(16_100));

      assertThat(farewell.track("s2")).isEqualTo(SignalResult.live(true));
      assertThat(released.keys()).containsExactly("s1");
    }
  }

  @Test
  void exitedPagesDoNotCountTowardsTheMaximumAndAreRememberedUpToIt() {
    try (Farewell farewell = builder().maximumPagesPerSession(2).build()) {
      send(farewell, SignalType.OPEN, "s1", "a", 0);
      send(farewell, SignalType.OPEN, "s1", "b", 0);
      send(farewell, SignalType.EXIT, "s1", "b", 1);

      assertThat(send(farewell, SignalType.OPEN, "s1", "c", 0)).isEqualTo(SignalResult.live(true));
      assertThat(send(farewell, SignalType.EXIT, "s1", "c", 1)).isEqualTo(SignalResult.live(true));
      assertThat(farewell.session("s1").orElseThrow().pages())
          .extracting(PageView::pageId, PageView::state)
          .containsExactlyInAnyOrder(
              tuple("a", PageState.VISIBLE), tuple("b", PageState.EXITED),
              tuple("c", PageState.EXITED));

      assertThat(send(farewell, SignalType.OPEN, "s1", "d", 0)).isEqualTo(SignalResult.live(true));
      assertThat(send(farewell, SignalType.OPEN, "s1", "e", 0)).isEqualTo(SignalResult.full());
      assertThat(send(farewell, SignalType.EXIT, "s1", "d", 1)).isEqualTo(SignalResult.live(true));
      // two exited pages are remembered at most (the page limit): b, the oldest, is forgotten
      assertThat(farewell.session("s1").orElseThrow().pages())
          .extracting(PageView::pageId)
          .containsExactlyInAnyOrder("a", "d", "c");
      // a page back from an exit needs room like a new one
      assertThat(send(farewell, SignalType.OPEN, "s1", "e", 1)).isEqualTo(SignalResult.live(true));
      assertThat(send(farewell, SignalType.RESUME, "s1", "c", 2)).isEqualTo(SignalResult.full());
    }
  }

  @Test
  void aLateHeartbeatOfTheLastPageLeftIsIgnoredAndARestoreBringsItBack() {
    try (Farewell farewell = builder().build()) {
      send(farewell, SignalType.OPEN, "s1", "a", 0);
      send(farewell, SignalType.OPEN, "s1", "b", 0);
      send(farewell, SignalType.EXIT, "s1", "a", 2);

      assertThat(send(farewell, SignalType.HEARTBEAT, "s1", "a", 1))
          .isEqualTo(SignalResult.live(false));
      assertThat(farewell.session("s1").orElseThrow().pages())
          .extracting(PageView::pageId, PageView::state)
          .containsExactlyInAnyOrder(tuple("a", PageState.EXITED), tuple("b", PageState.VISIBLE));

      assertThat(send(farewell, SignalType.VISIBLE, "s1", "a", 3))
          .isEqualTo(SignalResult.live(true));
      assertThat(farewell.session("s1").orElseThrow().pages())
          .extracting(PageView::pageId, PageView::state)
          .containsExactlyInAnyOrder(tuple("a", PageState.VISIBLE), tuple("b", PageState.VISIBLE));
    }
  }

  @Test
  void pagesThatStoppedBeatingArePrunedToo() {
    try (Farewell farewell = builder().maximumPagesPerSession(2).build()) {
      send(farewell, SignalType.OPEN, "s1", "a", 0);
      send(farewell, SignalType.OPEN, "s1", "b", 0);
      for (int beat = 1; beat <= 4; beat++) {
        ticker.advance(Duration.ofSeconds(5));
        send(farewell, SignalType.HEARTBEAT, "s1", "a", beat);
      }

      assertThat(send(farewell, SignalType.OPEN, "s1", "c", 0)).isEqualTo(SignalResult.live(true));
      assertThat(farewell.session("s1").orElseThrow().pages())
          .extracting(PageView::pageId)
          .containsExactlyInAnyOrder("a", "c");
    }
  }

  @Test
  void aSessionWhoseTombstoneWasForgottenByCountIsNeverStartedAgain() {
    try (Farewell farewell = builder().maximumTombstones(3).build()) {
      for (int i = 1; i <= 5; i++) {
        farewell.track("s" + i);
        farewell.release("s" + i);
        ticker.advance(Duration.ofMillis(1));
      }

      // s1 and s2 are forgotten, the oldest first: the engine cannot tell them from keys it never
      // knew, so no key it does not know starts a session while they could still be asked about.
      for (String forgotten : new String[] {"s1", "s2"}) {
        assertThat(send(farewell, SignalType.HEARTBEAT, forgotten, "p", 7))
            .isEqualTo(SignalResult.released(ReleaseReason.TIMEOUT));
        assertThat(send(farewell, SignalType.EXIT, forgotten, "p", 8))
            .isEqualTo(SignalResult.released(ReleaseReason.TIMEOUT));
        assertThat(farewell.session(forgotten)).isEmpty();
      }
      for (int i = 3; i <= 5; i++) {
        assertThat(send(farewell, SignalType.HEARTBEAT, "s" + i, "p", 7))
            .isEqualTo(SignalResult.released(ReleaseReason.EXPLICIT));
      }
      assertThat(released.releasedMoreThanOnce()).isEmpty();
      assertThat(released.size()).isEqualTo(5);
      // A session the application tracks (a page it serves) takes signals as ever.
      farewell.track("s6");
      assertThat(send(farewell, SignalType.OPEN, "s6", "p", 0)).isEqualTo(SignalResult.live(true));
    }
  }

  @Test
  void unknownKeysAreAdoptedAgainOnceEveryForgottenTombstoneWouldHaveExpired() {
    try (Farewell farewell =
        builder().maximumTombstones(1).tombstoneTtl(Duration.ofMinutes(1)).build()) {
      farewell.track("s1");
      farewell.release("s1");
      ticker.advance(Duration.ofSeconds(10));
      farewell.track("s2");
      farewell.release("s2"); // s1's tombstone, 10 s old, is forgotten by count

      ticker.advance(Duration.ofSeconds(49));
      assertThat(send(farewell, SignalType.OPEN, "s3", "p", 0))
          .isEqualTo(SignalResult.released(ReleaseReason.TIMEOUT));
      ticker.advance(Duration.ofSeconds(1)); // s1 would have been forgotten by its TTL now
      assertThat(send(farewell, SignalType.OPEN, "s3", "p", 0)).isEqualTo(SignalResult.live(true));
      assertThat(send(farewell, SignalType.HEARTBEAT, "s2", "p", 1))
          .isEqualTo(SignalResult.released(ReleaseReason.EXPLICIT));
    }
  }

  @Test
  void aTombstoneClearedByANewSessionLeavesNoMarkWhenItIsDropped() {
    try (Farewell farewell = builder().maximumTombstones(1).build()) {
      farewell.track("s1");
      farewell.release("s1");
      farewell.track("s1"); // the user logs in again: a new session under the key
      farewell.track("s2");
      farewell.release("s2"); // s1's old tombstone goes by count, but it was no longer s1's

      assertThat(send(farewell, SignalType.OPEN, "s3", "p", 0)).isEqualTo(SignalResult.live(true));
      assertThat(send(farewell, SignalType.HEARTBEAT, "s1", "p", 1)).isEqualTo(SignalResult.live(true));
    }
  }

  @Test
  void tombstoneAnswersReleasedUntilItsTtlEnds() {
    try (Farewell farewell = builder().tombstoneTtl(Duration.ofMinutes(1)).build()) {
      send(farewell, SignalType.OPEN, "s1", "p", 0);
      farewell.release("s1");

      ticker.advance(Duration.ofSeconds(59));
      assertThat(send(farewell, SignalType.HEARTBEAT, "s1", "p", 1))
          .isEqualTo(SignalResult.released(ReleaseReason.EXPLICIT));
      ticker.advance(Duration.ofSeconds(1));
      assertThat(send(farewell, SignalType.HEARTBEAT, "s1", "p", 2))
          .isEqualTo(SignalResult.live(true));
    }
  }

  @Test
  void closeWithReleaseOnCloseReleasesEveryLiveSessionWithShutdown() {
    Farewell farewell = builder().releaseOnClose(true).build();
    farewell.track("s1");
    send(farewell, SignalType.OPEN, "s2", "p", 0);
    send(farewell, SignalType.OPEN, "s3", "p", 0);
    send(farewell, SignalType.EXIT, "s3", "p", 1);

    farewell.close();

    assertThat(released.releases())
        .extracting(Release::sessionKey, Release::reason)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("s1", ReleaseReason.SHUTDOWN),
            org.assertj.core.groups.Tuple.tuple("s2", ReleaseReason.SHUTDOWN),
            org.assertj.core.groups.Tuple.tuple("s3", ReleaseReason.SHUTDOWN));
    assertThat(farewell.size()).isZero();
    farewell.close(); // idempotent
    assertThat(released.size()).isEqualTo(3);
  }

  @Test
  void closeWithoutReleaseOnCloseReleasesNothing() {
    Farewell farewell = builder().build();
    farewell.track("s1");
    send(farewell, SignalType.OPEN, "s2", "p", 0);

    farewell.close();
    ticker.advance(Duration.ofHours(1));
    farewell.cleanUp();

    assertThat(released.size()).isZero();
    assertThat(farewell.release("s1")).isFalse();
  }

  @Test
  void aThrowingReleaseListenerDoesNotStopOtherReleases() {
    try (Farewell farewell =
        Farewell.newBuilder()
            .ticker(ticker)
            .releaseExecutor(Runnable::run)
            .onRelease(release -> {
              throw new IllegalStateException("boom for " + release.sessionKey());
            })
            .onRelease(released)
            .build()) {
      farewell.track("s1");
      farewell.track("s2");

      assertThat(farewell.release("s1")).isTrue();
      ticker.advance(Duration.ofSeconds(30));
      farewell.cleanUp();

      assertThat(released.keys()).containsExactlyInAnyOrder("s1", "s2");
    }
  }
}
