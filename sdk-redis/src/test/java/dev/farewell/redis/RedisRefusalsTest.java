package dev.farewell.redis;

import static dev.farewell.SignalType.HEARTBEAT;
import static dev.farewell.SignalType.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.Signal;
import dev.farewell.SignalResult.Status;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A real Redis that answers but refuses to serve: LOADING (restarted, reading its snapshot),
 * MASTERDOWN (a replica cut from its master that must not serve stale data) and OOM (over
 * {@code maxmemory} under {@code noeviction}). Each is an outage for the node: nothing is thrown
 * into the application, beacons are answered, no beating session is released, and what the node
 * kept meanwhile is written once Redis serves again.
 */
class RedisRefusalsTest {

  private final String prefix = TestRedis.uniquePrefix();
  private final List<Release> releases = new CopyOnWriteArrayList<>();
  private RedisSessionStore store;

  private Farewell node(URI redis) {
    store = RedisSessionStore.newBuilder()
        .redisUri(redis)
        .keyPrefix(prefix)
        .shards(1)
        .sweepInterval(Duration.ofMillis(200))
        .claimLease(Duration.ofSeconds(1))
        .recoveryGrace(Duration.ofMillis(200))
        .closeTimeout(Duration.ofMillis(100))
        .build();
    return Farewell.newBuilder()
        .heartbeatTimeout(Duration.ofSeconds(30))
        .exitGrace(Duration.ofMillis(200))
        .onRelease(releases::add)
        .store(store)
        .build();
  }

  /** What the application does while Redis refuses: none of it may throw. */
  private void useWhileRefused(Farewell node) {
    assertThatCode(() -> {
      assertThat(node.signal(Signal.of(HEARTBEAT, "s", "p", 2)).status()).isEqualTo(Status.LIVE);
      assertThat(node.signal(Signal.of(OPEN, "t", "p", 1)).status()).isEqualTo(Status.LIVE);
      node.track("u", Map.of("user", "ada"));
      assertThat(node.release("r")).isTrue();
      node.cleanUp();
    }).doesNotThrowAnyException();
  }

  /** Once Redis serves again: the kept signals are written, and only the asked release happened. */
  private void awaitRecovered(Farewell node) {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      node.cleanUp();
      assertThat(store.health().redisUp()).isTrue();
      assertThat(node.session("t")).isPresent();
      assertThat(node.session("u")).isPresent();
      assertThat(releases).extracting(Release::sessionKey).containsExactly("r");
    });
    assertThat(node.session("s")).as("the beating session lives").isPresent();
    assertThat(releases.get(0).reason()).isEqualTo(ReleaseReason.EXPLICIT);
  }

  @Test
  void redisLoadingItsDataTakesTheOutagePath() throws Exception {
    // DEBUG RELOAD loads the snapshot again in place, slowed per key, answering LOADING to the
    // others meanwhile, with their connections open: as a restart looks once reconnected.
    try (RedisServer server = RedisServer.start("--enable-debug-command", "yes",
            "--key-load-delay", "2000", "--loading-process-events-interval-bytes", "1024");
        Jedis admin = new Jedis(server.uri());
        Farewell node = node(server.uri())) {
      for (int i = 0; i < 2_000; i++) {
        admin.set("filler:" + i, "x");
      }
      node.signal(Signal.of(OPEN, "s", "p", 1));
      node.track("r");
      Thread reload = new Thread(() -> {
        try (Jedis other = new Jedis(server.uri())) {
          other.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "RELOAD");
        }
      });
      reload.start();
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
          .until(() -> admin.info("persistence").contains("loading:1"));
      useWhileRefused(node);
      assertThat(admin.info("persistence")).as("still loading: the calls met LOADING")
          .contains("loading:1");
      reload.join(30_000);
      awaitRecovered(node);
    }
  }

  @Test
  void replicaCutFromItsMasterThatMustNotServeStaleDataTakesTheOutagePath() throws Exception {
    try (RedisServer server = RedisServer.start();
        Jedis admin = new Jedis(server.uri());
        Farewell node = node(server.uri())) {
      node.signal(Signal.of(OPEN, "s", "p", 1));
      node.track("r");
      admin.configSet("replica-serve-stale-data", "no");
      admin.replicaof("127.0.0.1", TestRedis.freePort());
      useWhileRefused(node);
      admin.replicaofNoOne();
      awaitRecovered(node);
    }
  }

  @Test
  void redisOverMaxmemoryUnderNoevictionTakesTheOutagePath() throws Exception {
    try (RedisServer server = RedisServer.start();
        Jedis admin = new Jedis(server.uri());
        Farewell node = node(server.uri())) {
      node.signal(Signal.of(OPEN, "s", "p", 1));
      node.track("r");
      admin.set("filler", "x".repeat(4 << 20));
      admin.configSet("maxmemory-policy", "noeviction");
      admin.configSet("maxmemory", "1mb");
      useWhileRefused(node);
      admin.configSet("maxmemory", "0");
      awaitRecovered(node);
    }
  }
}
