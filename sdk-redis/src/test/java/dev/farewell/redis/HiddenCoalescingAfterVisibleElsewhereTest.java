package dev.farewell.redis;

import static dev.farewell.SignalType.HEARTBEAT;
import static dev.farewell.SignalType.HIDDEN;
import static dev.farewell.SignalType.OPEN;
import static dev.farewell.SignalType.VISIBLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node coalesces hidden heartbeats against the last hidden signal it wrote for the page, but a
 * visible signal written since by another node shortens the page's deadline in Redis to the
 * heartbeat timeout. When the page's {@code hidden} message is then lost or refused (a beacon to
 * a draining node, a 429), its hidden beats that reach this node must still be written before that
 * deadline: the hidden window is no longer than the visible one.
 */
class HiddenCoalescingAfterVisibleElsewhereTest {

  private final List<Release> releases = new CopyOnWriteArrayList<>();
  private final String prefix = TestRedis.uniquePrefix();
  private final FakeTime time = new FakeTime(prefix);
  private final List<Farewell> nodes = new ArrayList<>();

  private Farewell node() {
    RedisSessionStore store = RedisSessionStore.newBuilder()
        .redisUri(TestRedis.uri())
        .keyPrefix(prefix)
        .sweepInterval(Duration.ofHours(1))
        .build();
    Farewell node = Farewell.newBuilder().ticker(time).releaseExecutor(Runnable::run)
        .onRelease(releases::add).store(store).build();
    nodes.add(node);
    return node;
  }

  @AfterEach
  void close() {
    nodes.forEach(Farewell::close);
    time.close();
  }

  @Test
  void aHiddenPageIsNotReleasedWhileItBeatsToANodeThatLastSawItHidden() {
    Farewell c = node();
    Farewell a = node();
    c.signal(Signal.of(OPEN, "s", "p", 1));
    c.signal(Signal.of(HIDDEN, "s", "p", 2).withHidden(true)); // c: page hidden, written now
    time.advance(Duration.ofSeconds(5));
    // The user comes back to the tab: the `visible` goes to node a (deadline now + 15 s).
    assertThat(a.signal(Signal.of(VISIBLE, "s", "p", 3))).isEqualTo(SignalResult.live(true));
    time.advance(Duration.ofSeconds(3));
    // ...and leaves it again; the `hidden` (seq 4) is lost. The page's worker beats every 5 s
    // with hidden: true, each to node c.
    long sequence = 4;
    for (int second = 0; second < 60; second++) {
      time.advance(Duration.ofSeconds(1));
      if (second % 5 == 0) {
        assertThat(c.signal(Signal.of(HEARTBEAT, "s", "p", ++sequence).withHidden(true)))
            .isEqualTo(SignalResult.live(true));
      }
      c.cleanUp();
      a.cleanUp();
      assertThat(releases).as("released at second %d while its page beats every 5 s", second)
          .isEmpty();
    }
  }
}
