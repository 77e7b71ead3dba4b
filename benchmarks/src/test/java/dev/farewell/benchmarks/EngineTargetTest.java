package dev.farewell.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.SignalResult;
import org.junit.jupiter.api.Test;

class EngineTargetTest {

  @Test
  void theEngineKeepsEverySessionOfTheMixLiveAndAcceptsEverySignal() {
    SignalMix mix = new SignalMix(500, 1);
    try (SignalTarget engine = EngineThroughputBenchmark.newTarget("farewell", 500)) {
      mix.warmUp(engine, 2);
      SignalMix.Cursor cursor = mix.cursor(0, 1, 3);
      for (int i = 0; i < 500 * SignalMix.CYCLE; i++) {
        SignalResult result = (SignalResult) engine.apply(cursor.next());
        assertThat(result.accepted()).as("signal %d accepted", i).isTrue();
      }
      assertThat(engine.liveSessions()).isEqualTo(500);
    }
  }
}
