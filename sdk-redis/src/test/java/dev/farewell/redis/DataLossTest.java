package dev.farewell.redis;

import static dev.farewell.SignalType.EXIT;
import static dev.farewell.SignalType.HEARTBEAT;
import static dev.farewell.SignalType.OPEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.Signal;
import dev.farewell.SignalResult.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.RedisClient;

/**
 * Redis loses a prefix's data (a restart without it, a failover to an empty replica): the nodes
 * that knew the data hold its shard for the recovery grace, whichever node names the data anew,
 * and count the loss once.
 */
class DataLossTest {

  private final String prefix = TestRedis.uniquePrefix();
  private final FakeTime time = new FakeTime(prefix);
  private final RedisClient redis = RedisClient.create(TestRedis.uri());
  private final List<Release> released = new CopyOnWriteArrayList<>();
  private final List<Farewell> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    for (Farewell node : nodes) {
      node.close();
    }
    redis.close();
    time.close();
  }

  private Farewell node(RedisSessionStore store) {
    Farewell node = FakeTimeEngine.engine(time, store, released);
    nodes.add(node);
    return node;
  }

  private RedisSessionStore.Builder store() {
    return FakeTimeEngine.store(prefix);
  }

  /**
   * Page-two beats to node A, which answers its beats itself and writes them later; page-one of
   * the same session signals through node C. The data is lost; page-one starts the session again
   * through C and leaves. A's beat of page-two is not written yet when the session is past its
   * exit grace: nothing may release it, whichever node sweeps first after the loss, C (started
   * after the loss, it knew no data and names it anew) or A (it knew the data).
   */
  @ParameterizedTest(name = "the node started after the loss sweeps first: {0}")
  @ValueSource(booleans = {true, false})
  void aSessionWhosePageBeatsToANodeThatKnewTheLostDataIsNotReleased(boolean newNodeFirst) {
    Farewell a = node(store().recoveryGrace(Duration.ofSeconds(60)).build());
    assertThat(a.signal(Signal.of(OPEN, "s", "page-two", 1)).status()).isEqualTo(Status.LIVE);
    a.cleanUp(); // A knows the shard's epoch
    time.advance(Duration.ofSeconds(2));

    loseData();
    Farewell c = node(store().recoveryGrace(Duration.ofSeconds(60)).build());
    (newNodeFirst ? c : a).cleanUp();
    assertThat(c.signal(Signal.of(HEARTBEAT, "s", "page-one", 2)).status()).isEqualTo(Status.LIVE);
    time.advance(Duration.ofSeconds(2)); // t = 4 s
    // Answered by A, which wrote page-two at t = 0.
    assertThat(a.signal(Signal.of(HEARTBEAT, "s", "page-two", 2)).status()).isEqualTo(Status.LIVE);
    c.signal(Signal.of(EXIT, "s", "page-one", 3));
    time.advance(Duration.ofMillis(3_200)); // t = 7.2 s: past the exit grace, before A writes
    a.cleanUp();
    c.cleanUp();
    time.advance(Duration.ofMillis(500)); // t = 7.7 s: A writes page-two's beat
    a.cleanUp();
    c.cleanUp();
    time.advance(Duration.ofSeconds(1));

    assertThat(released).as("releases of a session whose page-two beat every 4 s").isEmpty();
    assertThat(a.signal(Signal.of(HEARTBEAT, "s", "page-two", 3)).status())
        .isEqualTo(Status.LIVE);
  }

  /**
   * After the loss the shard's write counter starts again from zero: the generations the node saw
   * of its sessions before are not taken for one more loss each, with a new hold each time.
   */
  @Test
  void oneLossIsCountedOnceAndHoldsTheShardOnce() throws Exception {
    RedisSessionStore store = store()
        .recoveryGrace(Duration.ofMillis(200))
        .coalesceHeartbeats(false)
        .build();
    Farewell farewell = node(store);
    int sessions = 20;
    for (int i = 0; i < sessions; i++) {
      for (int seq = 1; seq <= 3; seq++) {
        farewell.signal(Signal.of(seq == 1 ? OPEN : HEARTBEAT, "s" + i, "page-one", seq));
      }
    }
    farewell.cleanUp(); // the node knows the epoch and the write counter
    loseData();
    farewell.cleanUp(); // the loss is found (the epoch), the shard held
    assertThat(store.health().dataLossesDetected()).isEqualTo(1);
    String hold = "{" + prefix + ":0}:hold";
    while (redis.exists(hold)) {
      Thread.sleep(20);
    }

    int holds = 0;
    for (int seq = 4; seq <= 6; seq++) {
      time.advance(Duration.ofSeconds(5));
      for (int i = 0; i < sessions; i++) {
        assertThat(farewell.signal(Signal.of(HEARTBEAT, "s" + i, "page-one", seq)).status())
            .isEqualTo(Status.LIVE);
      }
      holds += redis.exists(hold) ? 1 : 0;
    }
    assertThat(store.health().dataLossesDetected()).as("losses counted for one loss")
        .isEqualTo(1);
    assertThat(holds).as("beats after the hold that found the shard held again").isZero();
  }

  private void loseData() {
    for (String key : FakeTimeEngine.keys(redis, prefix)) {
      redis.del(key);
    }
  }
}
