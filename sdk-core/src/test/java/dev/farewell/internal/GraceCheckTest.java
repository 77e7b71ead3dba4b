package dev.farewell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.ReleaseReason;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import dev.farewell.testing.CollectingReleaseListener;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The checks at the end of exit graces, on the store's own timer thread. */
class GraceCheckTest {

  private final CollectingReleaseListener released = new CollectingReleaseListener();

  /**
   * A page that navigates in a loop exits again and again within one grace: one check stays
   * pending for its session, not one per exit.
   */
  @Test
  void aSessionHasOneGraceCheckPendingHoweverOftenItsPagesExit() {
    CaffeineSessionStore store = new CaffeineSessionStore();
    try (Farewell farewell =
        Farewell.newBuilder()
            .store(store)
            .exitGrace(Duration.ofSeconds(30))
            .releaseExecutor(Runnable::run)
            .onRelease(released)
            .build()) {
      long sequence = 0;
      for (int cycle = 0; cycle < 1_000; cycle++) {
        String page = "page-" + cycle;
        assertThat(farewell.signal(Signal.of(SignalType.OPEN, "s1", page, sequence++)))
            .isEqualTo(SignalResult.live(true));
        assertThat(farewell.signal(Signal.of(SignalType.EXIT, "s1", page, sequence++)))
            .isEqualTo(SignalResult.exiting(true));
      }

      assertThat(store.graceChecksScheduled()).isOne();
      assertThat(released.size()).isZero();
    }
  }

  @Test
  void aShortGraceAfterALongOneIsCheckedAtItsOwnEnd() {
    CaffeineSessionStore store = new CaffeineSessionStore();
    try (Farewell farewell =
        Farewell.newBuilder()
            .store(store)
            .exitGrace(Duration.ofMillis(200))
            .navigationGrace(Duration.ofSeconds(60))
            .releaseExecutor(Runnable::run)
            .onRelease(released)
            .build()) {
      farewell.signal(Signal.of(SignalType.OPEN, "s1", "page-0001", 0));
      // an in-app navigation: a 60 s grace, and its check
      farewell.signal(new Signal(SignalType.EXIT, "s1", "page-0001", 1, false, true));
      assertThat(store.graceChecksScheduled()).isOne();
      // the next page opens, then the tab closes: a 200 ms grace, which needs a check of its own
      farewell.signal(Signal.of(SignalType.OPEN, "s1", "page-0002", 0));
      farewell.signal(Signal.of(SignalType.EXIT, "s1", "page-0002", 1));
      assertThat(store.graceChecksScheduled()).isEqualTo(2);

      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> released.count("s1") == 1);
      assertThat(released.releaseOf("s1").orElseThrow().reason()).isEqualTo(ReleaseReason.EXIT);
      // the check ran at the end of the short grace (the timer wheel would have taken up to 1 s)
      assertThat(released.releaseOf("s1").orElseThrow().lateness())
          .isLessThan(Duration.ofMillis(900));
    }
  }
}
