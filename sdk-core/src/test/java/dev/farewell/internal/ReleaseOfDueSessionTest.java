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
 * {@code release(key)} says whether it released the key, also when the key was due and Caffeine's
 * maintenance, run by the same call, released it (and other due sessions after it) through the
 * eviction listener.
 */
class ReleaseOfDueSessionTest {

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
