package dev.farewell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.farewell.testing.CollectingReleaseListener;
import dev.farewell.testing.FakeTicker;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * StatsListener's contract: "What it throws is caught and logged; the release goes on unchanged."
 * The engine catches only RuntimeException and LinkageError, and tells listeners before it hands the
 * release to its pipeline: anything else a listener throws loses the release.
 */
class StatsListenerThrowsTest {

  private final FakeTicker ticker = new FakeTicker();
  private final CollectingReleaseListener released = new CollectingReleaseListener();
  private final Farewell farewell =
      Farewell.newBuilder().ticker(ticker).releaseExecutor(Runnable::run).onRelease(released).build();

  @AfterEach
  void close() {
    farewell.close();
  }

  @Test
  void aListenerThatThrowsAnErrorChangesNoRelease() {
    farewell.addStatsListener(release -> {
      throw new AssertionError("broken metrics");
    });
    farewell.signal(Signal.of(SignalType.OPEN, "s1", "p1", 0));
    catchThrowable(() -> farewell.release("s1")); // whatever the engine answers

    // The session is gone from the store, so its release actions must have run.
    assertThat(farewell.session("s1")).isEmpty();
    assertThat(released.keys()).containsExactly("s1");
  }

  @Test
  void aListenerThatThrowsACheckedExceptionChangesNoRelease() {
    farewell.addStatsListener(release -> sneakyThrow(new IOException("metrics backend down")));
    farewell.signal(Signal.of(SignalType.OPEN, "s1", "p1", 0));
    catchThrowable(() -> farewell.release("s1"));

    assertThat(farewell.session("s1")).isEmpty();
    assertThat(released.keys()).containsExactly("s1");
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
    throw (T) t;
  }
}
