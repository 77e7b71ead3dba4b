package dev.farewell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.testing.CollectingReleaseListener;
import dev.farewell.testing.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Real time, the system ticker and the engine's own timer: sessions that get no traffic at all are
 * released by the scheduler alone.
 */
class SchedulerReleaseIntegrationTest {

  @Test
  void sessionWithNoTrafficIsReleasedByTheSchedulerWithinHeartbeatTimeoutPlusOneAndAHalfSeconds() {
    CollectingReleaseListener released = new CollectingReleaseListener();
    Duration timeout = Duration.ofSeconds(2);
    try (Farewell farewell =
        Farewell.newBuilder()
            .heartbeatInterval(Duration.ofSeconds(1))
            .heartbeatTimeout(timeout)
            .onRelease(released)
            .build()) {
      long start = System.nanoTime();
      farewell.signal(Signal.of(SignalType.OPEN, "quiet", "p1", 0));

      await()
          .atMost(timeout.plusMillis(1_500))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> released.count("quiet") == 1);

      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      assertThat(elapsed).isGreaterThanOrEqualTo(timeout);
      Release release = released.releaseOf("quiet").orElseThrow();
      assertThat(release.reason()).isEqualTo(ReleaseReason.TIMEOUT);
      assertThat(release.sinceLastSignal()).isGreaterThanOrEqualTo(timeout);
    }
  }

  /**
   * The fake ticker stands exactly at the end of the grace, before the timer-wheel bucket the
   * session's cache entry expires in: Caffeine cannot evict it yet, nobody calls cleanUp, so only
   * the check the store scheduled for the end of the grace can release it.
   */
  @Test
  void exitGraceEndsOnTheEnginesTimerBeforeCaffeineWouldEvictTheEntry() {
    FakeTicker ticker = new FakeTicker();
    CollectingReleaseListener released = new CollectingReleaseListener();
    Duration grace = Duration.ofMillis(300);
    try (Farewell farewell =
        Farewell.newBuilder()
            .ticker(ticker)
            .exitGrace(grace)
            .releaseExecutor(Runnable::run)
            .onRelease(released)
            .build()) {
      ticker.advanceMillis(500); // the grace ends at 0.8 s, its bucket at 2^30 ns (1.07 s)
      farewell.signal(Signal.of(SignalType.OPEN, "leaving", "p1", 0));
      farewell.signal(Signal.of(SignalType.EXIT, "leaving", "p1", 1));
      ticker.advance(grace);

      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(10))
          .until(() -> released.count("leaving") == 1);

      Release release = released.releaseOf("leaving").orElseThrow();
      assertThat(release.reason()).isEqualTo(ReleaseReason.EXIT);
      assertThat(release.sinceLastSignal()).isEqualTo(grace);
      assertThat(release.lateness()).isZero();
    }
  }
}
