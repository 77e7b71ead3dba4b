package dev.farewell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.ReleaseReason;
import dev.farewell.testing.CollectingReleaseListener;
import dev.farewell.testing.FakeTicker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PROBE (review of issue 13, defect 8 only half fixed). {@code CaffeineSessionStore.release} says
 * whether it released the key through a thread-local, {@code releasedByEviction}, that the eviction
 * listener sets to the key it last released. When Caffeine's maintenance, run by the same call on
 * the same thread (the maintenance executor is {@code Runnable::run}), evicts other due sessions
 * after the one asked for, the thread-local holds another key and {@code release()} answers false
 * although it released the session (and its release actions run).
 */
class ReleaseOfDueSessionProbeTest {

  @Test
  void releaseSaysTrueForADueSessionItReleasedAlsoWhenOtherSessionsAreDueToo() {
    FakeTicker ticker = new FakeTicker();
    CollectingReleaseListener released = new CollectingReleaseListener();
    try (Farewell farewell =
        Farewell.newBuilder()
            .ticker(ticker)
            .store(new CaffeineSessionStore(false))
            .releaseExecutor(Runnable::run)
            .onRelease(released)
            .build()) {
      for (int i = 0; i < 50; i++) {
        farewell.track("s" + i, Map.of());
      }
      ticker.advance(Duration.ofMinutes(10)); // every session's open timeout passed long ago

      boolean answer = farewell.release("s0");

      assertThat(released.releaseOf("s0")).isPresent();
      assertThat(released.releaseOf("s0").get().reason()).isEqualTo(ReleaseReason.TIMEOUT);
      assertThat(answer).as("release(s0) released s0 (due, by TIMEOUT) and must say so").isTrue();
    }
  }
}
