package dev.farewell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import dev.farewell.testing.CollectingReleaseListener;
import dev.farewell.testing.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What happens between a session's deadline and the moment a timer would release it: the store
 * here has no timer thread, so nothing is released behind the test's back.
 */
class DueSessionRaceTest {

  private final FakeTicker ticker = new FakeTicker();
  private final CollectingReleaseListener released = new CollectingReleaseListener();
  private final CaffeineSessionStore store = new CaffeineSessionStore(false);
  private final Farewell farewell =
      Farewell.newBuilder()
          .ticker(ticker)
          .store(store)
          .releaseExecutor(Runnable::run)
          .onRelease(released)
          .build();

  @AfterEach
  void close() {
    farewell.close();
  }

  /**
   * Signals arriving after the deadline, before any eviction: a few ms after it (the store finds the
   * session due in its own update), and seconds after it (Caffeine finds the entry expired and
   * evicts it inside the same compute, through the eviction listener).
   */
  @ParameterizedTest
  @ValueSource(longs = {0, 1, 300, 1_100, 2_500, 60_000})
  void heartbeatJustAfterTheDeadlineIsAnsweredReleasedAndReleasesOnce(long millisLate) {
    farewell.signal(Signal.of(SignalType.OPEN, "s1", "p1", 0));
    ticker.advance(Duration.ofSeconds(15).plusMillis(millisLate));

    SignalResult result = farewell.signal(Signal.of(SignalType.HEARTBEAT, "s1", "p1", 1));

    assertThat(result).isEqualTo(SignalResult.released(ReleaseReason.TIMEOUT));
    assertThat(released.count("s1")).isOne();
    Release release = released.releaseOf("s1").orElseThrow();
    assertThat(release.lateness()).isEqualTo(Duration.ofMillis(millisLate));
    assertThat(farewell.size()).isZero();
    farewell.cleanUp();
    assertThat(released.count("s1")).isOne();
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 700, 1_100, 5_000})
  void reloadJustAfterTheExitGraceFindsTheSessionReleased(long millisLate) {
    farewell.signal(Signal.of(SignalType.OPEN, "s1", "p1", 0));
    farewell.signal(Signal.of(SignalType.EXIT, "s1", "p1", 1));
    ticker.advance(Duration.ofSeconds(3).plusMillis(millisLate));

    SignalResult result = farewell.signal(Signal.of(SignalType.OPEN, "s1", "p2", 0));

    assertThat(result).isEqualTo(SignalResult.released(ReleaseReason.EXIT));
    assertThat(released.count("s1")).isOne();
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 700, 1_100, 5_000})
  void trackJustAfterTheDeadlineReleasesTheOldSessionAndStartsANewOne(long millisLate) {
    farewell.track("s1");
    ticker.advance(Duration.ofSeconds(30).plusMillis(millisLate));

    assertThat(farewell.track("s1")).isEqualTo(SignalResult.live(true));

    assertThat(released.count("s1")).isOne();
    assertThat(farewell.size()).isOne();
    assertThat(farewell.session("s1")).isPresent();
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 700, 1_100, 5_000})
  void explicitReleaseJustAfterTheDeadlineKeepsTheTimeoutAndReturnsTrue(long millisLate) {
    farewell.signal(Signal.of(SignalType.OPEN, "s1", "p1", 0));
    ticker.advance(Duration.ofSeconds(15).plusMillis(millisLate));

    // this call released it, for the reason it became due
    assertThat(farewell.release("s1")).isTrue();
    assertThat(farewell.release("s1")).isFalse();

    assertThat(released.count("s1")).isOne();
    assertThat(released.releaseOf("s1")).map(Release::reason).contains(ReleaseReason.TIMEOUT);
  }

  /** Whatever the phase of Caffeine's ~1.07 s timer buckets, cleanUp releases what is due. */
  @Test
  void cleanUpReleasesEverySessionDueByTheTickerWhateverTheBucketPhase() {
    for (int i = 0; i < 200; i++) {
      farewell.signal(Signal.of(SignalType.OPEN, "s" + i, "p", 0));
      ticker.advanceMillis(37);
    }
    for (int step = 0; step < 2_000; step++) {
      ticker.advanceMillis(13);
      farewell.cleanUp();
      long now = ticker.read();
      for (Release release : released.releases()) {
        assertThat(release.lateness()).isLessThan(Duration.ofMillis(13));
      }
      // every session opened at 37 ms * i is due at 15 s + 37 ms * i
      long due = now >= 15_000_000_000L ? (now - 15_000_000_000L) / 37_000_000L + 1 : 0;
      assertThat((long) released.size()).isEqualTo(Math.min(200, due));
    }
  }

  @Test
  void cleanUpReleasesExitGracesExactlyAtTheirEnd() {
    ticker.advanceMillis(1_000); // not on a timer-wheel bucket boundary
    for (int i = 0; i < 50; i++) {
      farewell.signal(Signal.of(SignalType.OPEN, "s" + i, "p", 0));
      farewell.signal(Signal.of(SignalType.EXIT, "s" + i, "p", 1));
      ticker.advanceMillis(50);
      farewell.cleanUp();
      ticker.advanceMillis(50);
      farewell.cleanUp();
    }
    for (int step = 0; step < 100; step++) {
      ticker.advanceMillis(50);
      farewell.cleanUp();
    }
    assertThat(released.size()).isEqualTo(50);
    assertThat(released.releases())
        .allSatisfy(
            release -> {
              assertThat(release.reason()).isEqualTo(ReleaseReason.EXIT);
              assertThat(release.sinceLastSignal()).isEqualTo(Duration.ofSeconds(3));
              assertThat(release.lateness()).isZero();
            });
  }

  @Test
  void tombstonesAreForgottenAfterTheirTtl() {
    farewell.track("s1");
    farewell.release("s1");
    ticker.advance(Duration.ofMinutes(10));

    // The key is unknown again: a heartbeat adopts it as a new session.
    assertThat(farewell.signal(Signal.of(SignalType.HEARTBEAT, "s1", "p1", 9)))
        .isEqualTo(SignalResult.live(true));
    assertThat(store.tombstoneCount()).isZero();
  }
}
