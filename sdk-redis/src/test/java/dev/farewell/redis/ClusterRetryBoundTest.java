package dev.farewell.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * docs/multi-node.md, readTimeout(Duration): with Redis Cluster no retry starts once readTimeout
 * has passed, and the slot-map renewal Jedis makes inline after two connection errors asks the
 * nodes it knows one after another, each for up to connectTimeout + readTimeout. A call to a gone
 * primary while the other nodes stall waits that long and no longer; before the docs said so,
 * they promised one readTimeout, retries included, which this call overran threefold.
 */
class ClusterRetryBoundTest {

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  @Test
  void aCallToAGonePrimaryWhileTheOtherNodesStallReturnsWithinTheReadTimeout() throws Exception {
    TestRedis.uri();
    String prefix;
    int slot;
    do {
      prefix = TestRedis.uniquePrefix();
      slot = JedisClusterCRC16.getSlot("{" + prefix + ":0}");
    } while (slot < 100 || slot > 16_000);
    List<RedisServer> nodes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      try {
        nodes.add(RedisServer.start("--cluster-enabled", "yes", "--cluster-config-file",
            "nodes.conf", "--cluster-node-timeout", "60000"));
      } catch (IOException e) {
        TestRedis.skipOrFail("redis-server could not be started: " + e);
        return;
      }
      closing.add(nodes.get(i));
    }
    // The shard's slot alone on node 0; the others share the rest.
    int middle = (slot + 1 + 16_383) / 2;
    int[][] ranges = {{slot, slot}, {0, slot - 1}, {slot + 1, middle}, {middle + 1, 16_383}};
    for (int i = 0; i < 4; i++) {
      try (Jedis control = new Jedis("127.0.0.1", nodes.get(i).port())) {
        control.sendCommand(() -> "CLUSTER".getBytes(StandardCharsets.US_ASCII), "ADDSLOTSRANGE",
            "" + ranges[i][0], "" + ranges[i][1]);
        if (i > 0) {
          control.clusterMeet("127.0.0.1", nodes.get(0).port());
        }
      }
    }
    for (RedisServer node : nodes) {
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
        try (Jedis control = new Jedis("127.0.0.1", node.port())) {
          return control.clusterInfo().contains("cluster_state:ok")
              && control.clusterInfo().contains("cluster_known_nodes:4");
        }
      });
    }

    Duration readTimeout = Duration.ofSeconds(1);
    RedisSessionStore store = RedisSessionStore.newBuilder()
        .redisUri("redis-cluster://127.0.0.1:" + nodes.get(0).port()).keyPrefix(prefix)
        .sweepInterval(Duration.ofMinutes(1)).readTimeout(readTimeout).build();
    Farewell farewell = Farewell.newBuilder().store(store).build();
    closing.add(farewell);
    // Connections to node 0 in the pool.
    assertThat(farewell.signal(Signal.of(SignalType.OPEN, "s", "p", 1)).status())
        .isEqualTo(SignalResult.Status.LIVE);
    assertThat(farewell.track("t0")).isEqualTo(SignalResult.live(true));

    for (int i = 1; i < 4; i++) {
      RedisStallTest.pause(nodes.get(i), Duration.ofSeconds(20), ClientPauseMode.ALL);
    }
    nodes.get(0).kill();
    long took = RedisStallTest.millis(() -> farewell.track("t1"));

    System.out.printf("cluster: shard's primary gone, 3 nodes paused, read timeout %s: track "
        + "answered in %d ms, store up %s%n", readTimeout, took, store.health().redisUp());
    assertThat(store.health().redisUp()).as("the outage path was taken").isFalse();
    // The documented bound: the retries' readTimeout, plus a read timeout per stalled node the
    // renewal asks (connections to a paused node open at once, and the killed node refuses at
    // once: no connect timeout applies).
    Duration documented = readTimeout.plus(readTimeout.multipliedBy(3));
    assertThat(took).as("ms the track waited (read timeout %s, a slot-map renewal asking 3 "
        + "stalled nodes)", readTimeout).isLessThan(RedisStallTest.bound(documented));
  }
}
