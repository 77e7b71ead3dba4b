package dev.farewell.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.Signal;
import dev.farewell.SignalType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A MeterBinder bound twice to one registry gets the registry's existing meters back: the function
 * counters stay right, but each binding adds another stats listener that records into the same
 * lateness timer, so every release is timed twice.
 */
class FarewellMetricsBoundTwiceTest {

  private final Farewell farewell =
      Farewell.newBuilder().releaseExecutor(Runnable::run).build();

  @AfterEach
  void close() {
    farewell.close();
  }

  @Test
  void bindingTwiceToOneRegistryTimesEachReleaseOnce() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FarewellMetrics metrics = new FarewellMetrics(farewell);
    metrics.bindTo(registry);
    metrics.bindTo(registry);

    farewell.signal(Signal.of(SignalType.OPEN, "s1", "p1", 0));
    farewell.release("s1");

    assertThat(registry.get("farewell.releases").tags("reason", "explicit").functionCounter()
        .count()).isEqualTo(1.0);
    assertThat(registry.get("farewell.release.lateness").tags("reason", "explicit").timer()
        .count()).isEqualTo(1L);
  }
}
