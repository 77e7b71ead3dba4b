package dev.farewell.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Signal;
import dev.farewell.SignalType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BaselineSessionTableTest {

  private final BaselineSessionTable table =
      new BaselineSessionTable(
          16, Duration.ofSeconds(15), Duration.ofSeconds(150), Duration.ofSeconds(3));

  @Test
  void aStaleHeartbeatDoesNotMoveTheDeadline() {
    table.apply(Signal.of(SignalType.OPEN, "s", "page1", 5));
    long deadline = table.deadline("s");
    table.apply(Signal.of(SignalType.HEARTBEAT, "s", "page1", 4));
    assertThat(table.deadline("s")).isEqualTo(deadline);
  }

  @Test
  void aHiddenPageGetsTheHiddenTimeout() {
    long before = System.nanoTime();
    table.apply(Signal.of(SignalType.HIDDEN, "s", "page1", 1).withHidden(true));
    assertThat(table.deadline("s") - before).isGreaterThanOrEqualTo(Duration.ofSeconds(150).toNanos());
  }

  @Test
  void theLastExitLeavesTheSessionWithTheGraceAsItsDeadline() {
    table.apply(Signal.of(SignalType.OPEN, "s", "page1", 1));
    long before = System.nanoTime();
    table.apply(Signal.of(SignalType.EXIT, "s", "page1", 2));
    long grace = table.deadline("s") - before;
    assertThat(grace).isBetween(Duration.ofSeconds(3).toNanos(), Duration.ofSeconds(4).toNanos());
  }

  @Test
  void anExitOfAnUnknownSessionStartsNothing() {
    table.apply(Signal.of(SignalType.EXIT, "s", "page1", 1));
    assertThat(table.liveSessions()).isZero();
  }
}
