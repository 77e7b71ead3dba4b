package dev.farewell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.SessionView;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import dev.farewell.testing.CollectingReleaseListener;
import dev.farewell.testing.FakeTicker;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store's check times: a signal or a track that moves a deadline later leaves the
 * entry's check time in Caffeine's timer wheel while it is far off (it is applied in place), a
 * session whose check time comes before its deadline is parked and put back, never released
 * early, and a deadline that moves earlier gets an earlier check time at once. The store has no timer thread:
 * {@link CaffeineSessionStore#runMaintenance()} does here what the timer does after each bucket.
 */
class CheckTimeTest {

  /** Caffeine's timer wheel bucket: 2^30 ns. */
  private static final long BUCKET = 1L << 30;

  private static final String PAGE = "0f8fad5b-d9cb-469f-a165-70867728950e";
  private static final String OTHER_PAGE = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

  private final FakeTicker ticker = new FakeTicker();
  private final CollectingReleaseListener released = new CollectingReleaseListener();
  private final CaffeineSessionStore store = new CaffeineSessionStore(false);
  private Farewell farewell;
  private long sequence;

  @BeforeEach
  void startAtABucketBoundary() {
    // Start on a boundary, so that "rounded up to the next boundary" is easy to state.
    long now = ticker.read();
    ticker.advance(Duration.ofNanos(((now + BUCKET) & -BUCKET) - now));
    farewell =
        Farewell.newBuilder()
            .ticker(ticker)
            .store(store)
            .heartbeatTimeout(Duration.ofSeconds(15))
            .hiddenTimeout(Duration.ofSeconds(150))
            .exitGrace(Duration.ofSeconds(3))
            .releaseOnClose(true)
            .releaseExecutor(Runnable::run)
            .onRelease(released)
            .build();
  }

  @AfterEach
  void close() {
    farewell.close();
  }

  @Test
  void aSessionWhoseCheckTimeComesBeforeItsDeadlineIsParkedAndReleasedOnlyAtTheDeadline() {
    Instant start = instantNow();
    send(SignalType.OPEN, PAGE); // deadline 15 s; check time 14 buckets, about 15.03 s
    advanceMillis(2_000);
    send(SignalType.HEARTBEAT, PAGE); // deadline 17 s; the check time is far off: unchanged
    advanceMillis(2_000);
    send(SignalType.HEARTBEAT, PAGE); // deadline 19 s

    advanceMillis(12_500); // 16.5 s: past the check time, before the deadline
    store.runMaintenance();

    assertThat(released.size()).isZero();
    assertThat(store.parkedCount()).isZero(); // parked, then put back
    SessionView session = farewell.session("s1").orElseThrow();
    assertThat(Duration.between(start, session.deadline())).isEqualTo(Duration.ofSeconds(19));
    assertThat(farewell.size()).isOne();

    advanceMillis(2_000); // 18.5 s: still before the deadline
    store.runMaintenance();
    assertThat(released.size()).isZero();

    advanceMillis(1_000); // 19.5 s: the deadline (19 s, check time 18 buckets = 19.33 s) passed
    store.runMaintenance();
    Release release = released.releaseOf("s1").orElseThrow();
    assertThat(release.reason()).isEqualTo(ReleaseReason.TIMEOUT);
    assertThat(Duration.between(start, release.dueAt())).isEqualTo(Duration.ofSeconds(19));
    assertThat(released.count("s1")).isOne();
    assertThat(farewell.size()).isZero();
  }

  @Test
  void aSignalAfterTheCheckTimeButBeforeTheDeadlineFindsTheSessionLive() {
    beatThenPassTheCheckTime(); // 16 s: the entry has expired for Caffeine
    SignalResult result = send(SignalType.HEARTBEAT, PAGE);

    assertThat(result).isEqualTo(SignalResult.live(true));
    assertThat(released.size()).isZero();
    assertThat(store.parkedCount()).isZero();
    farewell.cleanUp();
    assertThat(released.size()).isZero();
    assertThat(farewell.size()).isOne();
  }

  @Test
  void aParkedSessionIsListedReleasedByTheApplicationAndReleasedOnlyOnce() {
    beatThenPassTheCheckTime();

    // Another session's update runs Caffeine's maintenance on this thread: it evicts s1's entry,
    // and the eviction listener parks the session; nothing puts it back until a signal or a run.
    farewell.track("s2");
    assertThat(store.parkedCount()).isOne();

    assertThat(farewell.snapshot()).extracting(SessionView::sessionKey).contains("s1", "s2");
    assertThat(farewell.session("s1")).isPresent(); // (and this put it back)
    advanceMillis(1);
    farewell.track("s3");
    assertThat(store.parkedCount()).isZero(); // its check time is its deadline now

    assertThat(farewell.release("s1")).isTrue();
    assertThat(farewell.release("s1")).isFalse();
    assertThat(released.releaseOf("s1").orElseThrow().reason())
        .isEqualTo(ReleaseReason.EXPLICIT);
    advanceMillis(60_000);
    farewell.cleanUp();
    assertThat(released.count("s1")).isOne();
  }

  @Test
  void closingWithReleaseOnCloseReleasesParkedSessionsToo() {
    beatThenPassTheCheckTime();
    farewell.track("s2");
    assertThat(store.parkedCount()).isOne();

    farewell.close();

    assertThat(released.releaseOf("s1").orElseThrow().reason())
        .isEqualTo(ReleaseReason.SHUTDOWN);
    assertThat(released.count("s1")).isOne();
    assertThat(store.parkedCount()).isZero();
  }

  @Test
  void anExitAppliedInPlaceGivesTheEntryTheEndOfItsGraceAsCheckTime() {
    send(SignalType.OPEN, PAGE);
    advanceMillis(1_000);
    send(SignalType.HEARTBEAT, PAGE);
    advanceMillis(1_000);
    assertThat(send(SignalType.EXIT, PAGE)).isEqualTo(SignalResult.exiting(true)); // grace: 5 s

    advanceMillis(3_500); // 5.5 s: past the grace (check time 5 buckets, about 5.37 s)
    store.runMaintenance(); // only what the timer wheel evicts: no sweep

    Release release = released.releaseOf("s1").orElseThrow();
    assertThat(release.reason()).isEqualTo(ReleaseReason.EXIT);
    assertThat(released.count("s1")).isOne();
  }

  @Test
  void aPageBackInViewAfterALongHiddenTimeoutGivesTheEntryAnEarlierCheckTime() {
    send(SignalType.OPEN, PAGE);
    advanceMillis(1_000);
    send(SignalType.HIDDEN, PAGE); // deadline 151 s, check time still about 15.03 s
    advanceMillis(9_000);
    send(SignalType.HEARTBEAT, PAGE, true); // 10 s: the check time is near: moved to 160 s
    advanceMillis(20_000);
    send(SignalType.VISIBLE, PAGE); // 30 s: deadline 45 s, before the check time: moved

    advanceMillis(15_500); // 45.5 s (check time 42 buckets, about 45.1 s)
    store.runMaintenance();

    Release release = released.releaseOf("s1").orElseThrow();
    assertThat(release.reason()).isEqualTo(ReleaseReason.TIMEOUT);
    assertThat(release.lateness()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void aTrackOfALiveSessionMovesItsDeadlineLaterAndTheSessionIsNotReleasedBeforeIt() {
    Instant start = instantNow();
    send(SignalType.OPEN, PAGE); // deadline 15 s; check time about 15.03 s
    advanceMillis(2_000);
    assertThat(farewell.track("s1")).isEqualTo(SignalResult.live(true)); // deadline 32 s

    advanceMillis(14_500); // 16.5 s: past the check time, before the deadline
    store.runMaintenance();

    assertThat(released.size()).isZero();
    SessionView session = farewell.session("s1").orElseThrow();
    assertThat(Duration.between(start, session.deadline())).isEqualTo(Duration.ofSeconds(32));

    advanceMillis(16_000); // 32.5 s (check time 30 buckets, about 32.2 s)
    store.runMaintenance();

    Release release = released.releaseOf("s1").orElseThrow();
    assertThat(release.reason()).isEqualTo(ReleaseReason.TIMEOUT);
    assertThat(release.lateness()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void aTrackThatEndsAnExitGraceLongerThanTheOpenTimeoutGivesTheEntryAnEarlierCheckTime() {
    farewell.close();
    CaffeineSessionStore longGraces = new CaffeineSessionStore(false);
    farewell =
        Farewell.newBuilder()
            .ticker(ticker)
            .store(longGraces)
            .heartbeatTimeout(Duration.ofSeconds(15))
            .hiddenTimeout(Duration.ofSeconds(150))
            .openTimeout(Duration.ofSeconds(30))
            .exitGrace(Duration.ofSeconds(60))
            .releaseExecutor(Runnable::run)
            .onRelease(released)
            .build();
    send(SignalType.OPEN, PAGE);
    advanceMillis(1_000);
    send(SignalType.HIDDEN, PAGE); // deadline 151 s, check time still about 15.03 s
    advanceMillis(9_000);
    send(SignalType.HEARTBEAT, PAGE, true); // 10 s: the check time is near: moved to 160 s
    advanceMillis(10_000);
    send(SignalType.EXIT, PAGE); // 20 s: the grace ends at 80 s, before the check time: moved
    advanceMillis(1_000);
    farewell.track("s1"); // 21 s: the grace is over, the page is awaited until 51 s

    advanceMillis(31_000); // 52 s (check time 48 buckets, about 51.5 s)
    longGraces.runMaintenance(); // only what the timer wheel evicts: no sweep

    Release release = released.releaseOf("s1").orElseThrow();
    assertThat(release.reason()).isEqualTo(ReleaseReason.TIMEOUT);
    assertThat(release.lateness()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aLateHeartbeatOfAReleasedSessionIsAnsweredReleased() {
    send(SignalType.OPEN, PAGE);
    send(SignalType.OPEN, OTHER_PAGE);
    assertThat(farewell.release("s1")).isTrue();

    assertThat(send(SignalType.HEARTBEAT, PAGE))
        .isEqualTo(SignalResult.released(ReleaseReason.EXPLICIT));
    assertThat(released.count("s1")).isOne();
    assertThat(farewell.size()).isZero();
  }

  /**
   * Opens a page at 0 s and beats at 4 s (deadline 19 s, check time still about 15.03 s), then
   * moves time to 16 s: past the check time, before the deadline.
   */
  private void beatThenPassTheCheckTime() {
    send(SignalType.OPEN, PAGE);
    advanceMillis(4_000);
    send(SignalType.HEARTBEAT, PAGE);
    advanceMillis(12_000);
  }

  private SignalResult send(SignalType type, String page) {
    return send(type, page, false);
  }

  private SignalResult send(SignalType type, String page, boolean hidden) {
    return farewell.signal(new Signal(type, "s1", page, sequence++, hidden, false));
  }

  private void advanceMillis(long millis) {
    ticker.advance(Duration.ofMillis(millis));
  }

  private Instant instantNow() {
    farewell.track("clock");
    Instant now = farewell.session("clock").orElseThrow().trackedAt();
    farewell.release("clock");
    released.clear();
    return now;
  }
}
