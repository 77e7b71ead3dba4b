package dev.farewell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.testing.FakeTicker;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code close()} keeps to the shutdown timeout, also when the store's timer is held up. */
class CloseWithinShutdownTimeoutTest {

  @Test
  void closeWaitsForABlockedTimerNoLongerThanTheShutdownTimeout() throws Exception {
    FakeTicker ticker = new FakeTicker();
    CountDownLatch actionStarted = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    Farewell farewell =
        Farewell.newBuilder()
            .ticker(ticker)
            .exitGrace(Duration.ofMillis(300))
            // a same-thread executor: the release at the end of the grace runs on the timer
            .releaseExecutor(Runnable::run)
            .shutdownTimeout(Duration.ofSeconds(1))
            .onRelease(
                release -> {
                  actionStarted.countDown();
                  // a blocking call without a timeout of its own, deaf to interrupts (as a socket
                  // read is)
                  while (never.getCount() > 0) {
                    try {
                      never.await();
                    } catch (InterruptedException ignored) {
                      // goes on blocking
                    }
                  }
                })
            .build();
    try {
      ticker.advanceMillis(500);
      farewell.signal(Signal.of(SignalType.OPEN, "leaving", "p1", 0));
      farewell.signal(Signal.of(SignalType.EXIT, "leaving", "p1", 1));
      ticker.advance(Duration.ofMillis(300));
      assertThat(actionStarted.await(10, TimeUnit.SECONDS)).as("the timer ran the action").isTrue();

      long start = System.nanoTime();
      farewell.close();
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      // 1 s of shutdown timeout, plus room for a loaded machine; the timer wait alone was 5 s
      assertThat(took).isLessThan(Duration.ofMillis(3_500));
    } finally {
      never.countDown();
      farewell.close();
    }
  }
}
