package dev.farewell.redis;

import static dev.farewell.SignalType.HEARTBEAT;
import static dev.farewell.SignalType.HIDDEN;
import static dev.farewell.SignalType.OPEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats of hidden pages are coalesced like visible ones, in a window that leaves room for a
 * hidden page's throttled timers (a beat up to an interval plus a minute after the last) and is no
 * longer than a visible page's (another node may have written the page visible since): at the
 * defaults (5 s interval, 150 s hidden timeout) a hidden page's beat is answered at once and
 * written by a later sweep. Against a real Redis, on a fake clock; sweeps run when
 * the test says.
 */
class HiddenCoalescingTest {

  private final List<Release> releases = new CopyOnWriteArrayList<>();
  private final String prefix = TestRedis.uniquePrefix();
  private final FakeTime time = new FakeTime(prefix);
  private final List<Farewell> nodes = new ArrayList<>();

  private RedisSessionStore node(Farewell.Builder builder) {
    RedisSessionStore store = RedisSessionStore.newBuilder()
        .redisUri(TestRedis.uri())
        .keyPrefix(prefix)
        .sweepInterval(Duration.ofHours(1))
        .build();
    nodes.add(builder.ticker(time).releaseExecutor(Runnable::run).onRelease(releases::add)
        .store(store).build());
    return store;
  }

  @AfterEach
  void close() {
    nodes.forEach(Farewell::close);
    time.close();
  }

  private Instant deadline(Farewell node) {
    return node.session("s").orElseThrow().deadline();
  }

  private Instant in(Duration duration) {
    return Instant.ofEpochMilli(time.millis()).plus(duration);
  }

  private static Signal hiddenBeat(long sequence) {
    return Signal.of(HEARTBEAT, "s", "p", sequence).withHidden(true);
  }

  @Test
  void hiddenBeatsAreWrittenOnceAWindowAndTheDeadlineStaysExact() {
    RedisSessionStore store = node(Farewell.newBuilder());
    Farewell node = nodes.get(0);
    node.signal(Signal.of(OPEN, "s", "p", 1));
    node.signal(Signal.of(HIDDEN, "s", "p", 2).withHidden(true));
    long writtenBefore = store.batcher.signals.sum();
    long sequence = 2;
    for (int beat = 0; beat < 120; beat++) { // ten minutes of beats every 5 s
      time.advance(Duration.ofSeconds(5));
      node.cleanUp();
      assertThat(node.signal(hiddenBeat(++sequence))).isEqualTo(SignalResult.live(true));
      // Should this node die now, the page's next beat, up to a minute and an interval from
      // now, finds the deadline written still at least half an interval ahead.
      assertThat(deadline(node)).as("deadline in Redis after beat %d", beat)
          .isAfterOrEqualTo(in(Duration.ofMillis(65_000 + 2_500)));
    }
    long written = store.batcher.signals.sum() - writtenBefore;
    // At the defaults each beat is answered at once and written by the next sweep within the
    // window, in bulk with others: as many writes, fewer round trips.
    assertThat(written).as("hidden beats written in ten minutes").isBetween(115L, 121L);

    Instant last = Instant.ofEpochMilli(time.millis());
    time.advance(Duration.ofSeconds(83)); // the window of the last beat has ended
    node.cleanUp();
    assertThat(deadline(node)).as("the last beat's own time plus the hidden timeout")
        .isEqualTo(last.plus(Duration.ofSeconds(150)));
    assertThat(releases).isEmpty();
  }

  @Test
  void aHiddenPageWhoseNodeDiedHoldingItsBeatIsAliveAtItsNextThrottledBeat() {
    node(Farewell.newBuilder()); // never sweeps: it dies without writing what it coalesced
    node(Farewell.newBuilder());
    Farewell dying = nodes.get(0);
    Farewell survivor = nodes.get(1);
    dying.signal(Signal.of(OPEN, "s", "p", 1));
    dying.signal(Signal.of(HIDDEN, "s", "p", 2).withHidden(true));
    long sequence = 2;
    for (int beat = 0; beat < 15; beat++) { // beats every 5 s until 75 s after the hidden
      time.advance(Duration.ofSeconds(5));
      assertThat(dying.signal(hiddenBeat(++sequence))).isEqualTo(SignalResult.live(true));
    }
    assertThat(deadline(survivor)).as("the last beat was answered locally")
        .isEqualTo(in(Duration.ofSeconds(150 - 5)));

    // The node dies; the page's timers are throttled: its next beat comes a minute and an
    // interval later, to the other node, which sweeps every second meanwhile.
    for (int second = 0; second < 65; second++) {
      time.advance(Duration.ofSeconds(1));
      survivor.cleanUp();
    }
    assertThat(releases).as("released while its page beats").isEmpty();
    assertThat(survivor.signal(hiddenBeat(++sequence))).isEqualTo(SignalResult.live(true));
    assertThat(deadline(survivor)).isEqualTo(in(Duration.ofSeconds(150)));
  }

  @Test
  void hiddenBeatsAreWrittenAtOnceWhenTheHiddenTimeoutLeavesNoWindow() {
    // 60 s against a minute of throttling plus one and a half intervals: no room to coalesce.
    node(Farewell.newBuilder().hiddenTimeout(Duration.ofSeconds(60)));
    Farewell node = nodes.get(0);
    node.signal(Signal.of(OPEN, "s", "p", 1));
    node.signal(Signal.of(HIDDEN, "s", "p", 2).withHidden(true));
    for (long sequence = 3; sequence < 8; sequence++) {
      time.advance(Duration.ofSeconds(5));
      node.signal(hiddenBeat(sequence));
      assertThat(deadline(node)).isEqualTo(in(Duration.ofSeconds(60)));
    }
  }
}
