package dev.farewell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.testing.CollectingReleaseListener;
import dev.farewell.testing.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A tab refused for the page limit keeps its session alive while it beats, and its exit takes that
 * hold back: when every tab of a window exited, the session is released by EXIT after the grace.
 */
class RefusedTabExitTest {

  @Test
  void whenEveryTabOfAWindowExitedTheSessionIsReleasedByExitAfterTheGraceEvenIfOneWasRefused() {
    FakeTicker ticker = new FakeTicker();
    CollectingReleaseListener released = new CollectingReleaseListener();
    try (Farewell farewell =
        Farewell.newBuilder()
            .ticker(ticker)
            .releaseExecutor(Runnable::run)
            .onRelease(released)
            .maximumPagesPerSession(1)
            .build()) {
      farewell.signal(Signal.of(SignalType.OPEN, "s1", "tab-a-00", 0));
      // a second tab, in the background: refused for the page limit, keeps the session alive
      assertThat(farewell.signal(new Signal(SignalType.OPEN, "s1", "tab-b-00", 0, true, false)))
          .isEqualTo(SignalResult.full());
      ticker.advanceMillis(1_000);
      // the user closes the window: both tabs send their exit beacon
      farewell.signal(Signal.of(SignalType.EXIT, "s1", "tab-a-00", 1));
      SignalResult lastExit = farewell.signal(Signal.of(SignalType.EXIT, "s1", "tab-b-00", 1));

      ticker.advance(Duration.ofSeconds(4)); // past the 3 s exit grace
      farewell.cleanUp();
      boolean releasedAfterTheGrace = released.releaseOf("s1").isPresent();
      ticker.advance(Duration.ofSeconds(150));
      farewell.cleanUp();

      assertThat(
              "last exit answered " + lastExit.status() + "; released after the grace: "
                  + releasedAfterTheGrace + "; finally released as "
                  + released.releaseOf("s1").map(Release::reason))
          .isEqualTo("last exit answered EXITING; released after the grace: true; finally"
              + " released as Optional[EXIT]");
    }
  }
}
