package dev.farewell.redis;

import static dev.farewell.SignalType.EXIT;
import static dev.farewell.SignalType.HEARTBEAT;
import static dev.farewell.SignalType.OPEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.Signal;
import dev.farewell.SignalResult.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * A sweep whose write of one session fails for a reason other than an outage (that session's data
 * in Redis is broken) still writes every other coalesced beat and still releases what is due: one
 * session cannot make a node's beating pages look stopped to the other nodes.
 */
class SweepStepsTest {

  private final String prefix = TestRedis.uniquePrefix();
  private final FakeTime time = new FakeTime(prefix);
  private final RedisClient redis = RedisClient.create(TestRedis.uri());
  private final List<Release> released = new CopyOnWriteArrayList<>();
  private Farewell farewell;

  @AfterEach
  void close() {
    if (farewell != null) {
      farewell.close();
    }
    redis.close();
    time.close();
  }

  @Test
  void aSessionWhoseWriteFailsHoldsBackNoOtherBeatNorRelease() {
    RedisSessionStore store = FakeTimeEngine.store(prefix).build();
    farewell = FakeTimeEngine.engine(time, store, released);
    int sessions = 1_200; // more than one write batch of the sweep (500)
    for (int i = 0; i < sessions; i++) {
      assertThat(farewell.signal(Signal.of(OPEN, "s" + i, "p", 1)).status())
          .isEqualTo(Status.LIVE);
    }
    farewell.signal(Signal.of(OPEN, "gone", "p", 1));
    time.advance(Duration.ofSeconds(4));
    for (int i = 0; i < sessions; i++) {
      farewell.signal(Signal.of(HEARTBEAT, "s" + i, "p", 2)); // answered by the node, unwritten
    }
    farewell.signal(Signal.of(EXIT, "gone", "p", 2));
    assertThat(store.health().unwrittenSignals()).isEqualTo(sessions);
    String broken = "s" + sessions / 2;
    redis.hset("{" + prefix + ":0}:s:" + broken, "dl", "not a number");

    time.advance(Duration.ofSeconds(4)); // past the coalescing window and the exit grace
    farewell.cleanUp();

    assertThat(released).extracting(Release::sessionKey, Release::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("gone", ReleaseReason.EXIT));
    assertThat(store.health().unwrittenSignals()).as("signals still unwritten").isEqualTo(1);
    List<String> notWritten = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      String page = redis.hget("{" + prefix + ":0}:s:s" + i, "p:p");
      if (!("s" + i).equals(broken) && !page.split(",")[1].equals("2")) {
        notWritten.add("s" + i);
      }
    }
    assertThat(notWritten).as("sessions whose beat is not in Redis").isEmpty();
  }
}
