package dev.farewell.redis;

import static dev.farewell.SignalType.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.Signal;
import dev.farewell.SignalResult.Status;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

/**
 * Redis trouble as a node meets it, with real sockets and a real Redis: replies lost on the way
 * back, a node cut off for a while, and a Redis that answers but cannot serve (BUSY, READONLY).
 */
class RedisTroubleTest {

  private final String prefix = TestRedis.uniquePrefix();
  private final List<Release> releases = new CopyOnWriteArrayList<>();
  private RedisSessionStore store;

  private Farewell node(URI redis, int shards) {
    return node(redis, shards, 100_000);
  }

  private Farewell node(URI redis, int shards, long maximumLocalSessions) {
    store = RedisSessionStore.newBuilder()
        .maximumLocalSessions(maximumLocalSessions)
        .redisUri(redis)
        .keyPrefix(prefix)
        .shards(shards)
        .sweepInterval(Duration.ofHours(1))
        .claimLease(Duration.ofSeconds(1))
        .recoveryGrace(Duration.ofMillis(200))
        .closeTimeout(Duration.ofMillis(100))
        .build();
    return Farewell.newBuilder().onRelease(releases::add).store(store).build();
  }

  @Test
  void explicitReleaseWhoseReplyWasLostIsActedOnOnceWithItsId() throws Exception {
    URI redisUri = TestRedis.uri();
    try (RedisProxy proxy = new RedisProxy(redisUri);
        RedisClient redis = RedisClient.create(redisUri);
        Farewell node = node(proxy.uri(), 1)) {
      node.track("s", Map.of("user", "ada"));
      proxy.loseReplies();
      assertThat(node.release("s")).as("kept for when Redis answers again").isTrue();
      String decided = redis.hget("{" + prefix + ":0}:s:s", "rid");
      assertThat(decided).as("the script ran; only its reply was lost").isNotNull();

      proxy.restore();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        node.cleanUp();
        return !releases.isEmpty() && !redis.exists("{" + prefix + ":0}:s:s");
      });
      // Past the lease: nobody takes the release over, it was forgotten once acted on.
      await().pollDelay(Duration.ofMillis(1_500)).until(() -> true);
      node.cleanUp();
      assertThat(releases).singleElement().satisfies(release -> {
        assertThat(release.releaseId()).isEqualTo(decided);
        assertThat(release.attributes()).containsEntry("user", "ada");
      });
    }
  }

  @Test
  void recoveryOfOneNodeHoldsOnlyTheShardsOfWhatItCouldNotWrite() throws Exception {
    URI redisUri = TestRedis.uri();
    Keys keys = new Keys(prefix, 8);
    try (RedisProxy proxy = new RedisProxy(redisUri);
        RedisClient redis = RedisClient.create(redisUri);
        Farewell node = node(proxy.uri(), 8)) {
      proxy.cut();
      assertThat(node.signal(Signal.of(OPEN, "x", "p", 1)).status()).isEqualTo(Status.LIVE);
      proxy.restore();
      node.cleanUp();
      assertThat(redis.exists(keys.shardOf("x").hold())).isTrue();
      for (Keys.Shard shard : keys.shards()) {
        if (shard != keys.shardOf("x")) {
          assertThat(redis.exists(shard.hold())).as("shard %d held", shard.index()).isFalse();
        }
      }
      assertThat(node.session("x")).isPresent();
    }
  }

  @Test
  void redisBusyWithAScriptTakesTheOutagePathAndTheSignalsAreWrittenAfterIt() throws Exception {
    try (RedisServer server = RedisServer.start();
        Jedis admin = new Jedis(server.uri());
        Farewell node = node(server.uri(), 1)) {
      node.signal(Signal.of(OPEN, "s", "p", 1));
      admin.configSet("busy-reply-threshold", "100");
      Thread busy = new Thread(() -> {
        try (RedisClient other = RedisClient.create(server.uri())) {
          other.eval("local i = 0 while true do i = i + 1 end", 0);
        } catch (RuntimeException killed) {
          // SCRIPT KILL ends it
        }
      });
      busy.start();
      await().pollDelay(Duration.ofMillis(300)).until(() -> true);

      assertThatCode(() -> {
        assertThat(node.signal(Signal.of(OPEN, "t", "p", 1)).status()).isEqualTo(Status.LIVE);
        node.track("u", Map.of("user", "ada"));
        assertThat(node.release("s")).isTrue();
      }).as("BUSY is an outage, not an error for the application").doesNotThrowAnyException();

      await().atMost(Duration.ofSeconds(10)).until(() -> {
        try {
          admin.scriptKill();
        } catch (RuntimeException notBusyAnyMore) {
          // killed already
        }
        busy.join(100);
        return !busy.isAlive();
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        node.cleanUp();
        return node.session("t").isPresent() && node.session("u").isPresent()
            && releases.size() == 1;
      });
      assertThat(releases.get(0).sessionKey()).isEqualTo("s");
    }
  }

  @Test
  void redisThatBecameAReadOnlyReplicaTakesTheOutagePath() throws Exception {
    try (RedisServer server = RedisServer.start();
        Jedis admin = new Jedis(server.uri());
        Farewell node = node(server.uri(), 1)) {
      node.signal(Signal.of(OPEN, "s", "p", 1));
      // A stale master after a failover: now a replica of a master it cannot reach.
      admin.replicaof("127.0.0.1", TestRedis.freePort());
      assertThatCode(() -> {
        assertThat(node.signal(Signal.of(OPEN, "t", "p", 1)).status()).isEqualTo(Status.LIVE);
        node.track("u");
      }).as("READONLY is an outage").doesNotThrowAnyException();

      admin.replicaofNoOne();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        node.cleanUp();
        return node.session("t").isPresent() && node.session("u").isPresent();
      });
    }
  }

  @Test
  void lossOfRedisDataIsDetectedByTheEpochAndHoldsTheShard() {
    URI redisUri = TestRedis.uri();
    try (RedisClient redis = RedisClient.create(redisUri);
        Farewell node = node(redisUri, 1)) {
      node.signal(Signal.of(OPEN, "s", "p", 1));
      node.cleanUp();
      assertThat(store.health().dataLossesDetected()).isZero();
      // What a restart without data or a FLUSHALL does to this application's keys.
      redis.del(redis.keys("{" + prefix + ":*").toArray(String[]::new));
      node.cleanUp();
      assertThat(store.health().dataLossesDetected()).isEqualTo(1);
      assertThat(redis.exists("{" + prefix + ":0}:hold")).isTrue();
      assertThat(redis.exists("{" + prefix + ":0}:epoch")).isTrue();
      node.cleanUp();
      assertThat(store.health().dataLossesDetected()).as("told once").isEqualTo(1);
    }
  }

  @Test
  void evictionPolicyThatMayDropSessionsIsWarnedAtStart() throws Exception {
    try (RedisServer server = RedisServer.start();
        Jedis admin = new Jedis(server.uri())) {
      admin.configSet("maxmemory-policy", "allkeys-lru");
      try (Farewell node = node(server.uri(), 1)) {
        assertThat(store.health().warnings()).singleElement().asString()
            .contains("maxmemory-policy allkeys-lru");
      }
      admin.configSet("maxmemory-policy", "noeviction");
      try (Farewell node = node(server.uri(), 1)) {
        assertThat(store.health().warnings()).isEmpty();
      }
    }
  }

  @Test
  void healthTellsTheOutageAndWhatIsKeptMeanwhile() throws Exception {
    try (RedisProxy proxy = new RedisProxy(TestRedis.uri());
        Farewell node = node(proxy.uri(), 1)) {
      node.signal(Signal.of(OPEN, "s", "p", 1));
      assertThat(store.health().redisUp()).isTrue();
      proxy.cut();
      node.track("t");
      node.release("s");
      RedisStoreHealth health = store.health();
      assertThat(health.redisUp()).isFalse();
      assertThat(health.keptTracks()).isEqualTo(1);
      assertThat(health.keptReleases()).isEqualTo(1);
      // The engine's stats tell the same, for metrics and Actuator health.
      assertThat(node.stats().storeUp()).isFalse();
      assertThat(node.stats().releaseBacklog()).isEqualTo(1);
      long askedAt = System.nanoTime();
      assertThatThrownBy(() -> node.session("s")).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(node::size).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(node::snapshot).isInstanceOf(IllegalStateException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - askedAt))
          .as("views fail at once while Redis cannot serve").isLessThan(Duration.ofMillis(500));
      proxy.restore();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        node.cleanUp();
        return store.health().redisUp() && store.health().keptReleases() == 0;
      });
      assertThat(node.stats().storeUp()).isTrue();
    }
  }

  /** A node with its own sweeper, 1 s beats, 3 s timeout, every beat written. */
  private Farewell sweepingNode(URI redis, Duration partitionGrace, List<Release> released) {
    RedisSessionStore built = RedisSessionStore.newBuilder()
        .redisUri(redis)
        .keyPrefix(prefix)
        .sweepInterval(Duration.ofMillis(100))
        .recoveryGrace(Duration.ofMillis(500))
        .partitionGrace(partitionGrace)
        .coalesceHeartbeats(false)
        .closeTimeout(Duration.ofMillis(100))
        .build();
    return Farewell.newBuilder()
        .heartbeatInterval(Duration.ofSeconds(1))
        .heartbeatTimeout(Duration.ofSeconds(3))
        .openTimeout(Duration.ofSeconds(3))
        .onRelease(released::add)
        .store(built)
        .build();
  }

  @Test
  void nodeCutOffFromRedisHoldsNewReleasesUntilItIsBack() throws Exception {
    List<Release> releasedByOther = new CopyOnWriteArrayList<>();
    try (RedisProxy proxy = new RedisProxy(TestRedis.uri());
        Farewell cut = sweepingNode(proxy.uri(), Duration.ofSeconds(30), releases);
        Farewell other = sweepingNode(TestRedis.uri(), Duration.ofSeconds(30), releasedByOther)) {
      // A page with affinity to the node that will be cut off.
      assertThat(cut.signal(Signal.of(OPEN, "s", "p", 1)).status()).isEqualTo(Status.LIVE);
      await().pollDelay(Duration.ofMillis(500)).until(() -> true);
      proxy.cut();
      for (int seq = 2; seq <= 7; seq++) {
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        assertThat(cut.signal(Signal.of(dev.farewell.SignalType.HEARTBEAT, "s", "p", seq)).status())
            .isEqualTo(Status.LIVE);
      }
      assertThat(releasedByOther).as("released while its page beat to a cut-off node").isEmpty();
      proxy.restore();
      for (int seq = 8; seq <= 10; seq++) {
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        assertThat(cut.signal(Signal.of(dev.farewell.SignalType.HEARTBEAT, "s", "p", seq)).status())
            .isEqualTo(Status.LIVE);
      }
      assertThat(releasedByOther).isEmpty();
      assertThat(releases).isEmpty();
    }
  }

  @Test
  void nodeMissingLongerThanThePartitionGraceIsTakenForDead() throws Exception {
    List<Release> releasedByOther = new CopyOnWriteArrayList<>();
    try (RedisProxy proxy = new RedisProxy(TestRedis.uri());
        Farewell cut = sweepingNode(proxy.uri(), Duration.ofSeconds(2), releases);
        Farewell other = sweepingNode(TestRedis.uri(), Duration.ofSeconds(2), releasedByOther)) {
      cut.signal(Signal.of(OPEN, "s", "p", 1));
      await().pollDelay(Duration.ofMillis(500)).until(() -> true);
      proxy.cut();
      // Its page is silent: once the cut node is taken for dead, the other node releases it.
      await().atMost(Duration.ofSeconds(10)).until(() -> !releasedByOther.isEmpty());
      assertThat(releasedByOther).extracting(Release::sessionKey).containsExactly("s");
    }
  }

  @Test
  void whatANodeKeepsWhileRedisCannotServeIsBounded() throws Exception {
    try (RedisProxy proxy = new RedisProxy(TestRedis.uri());
        Farewell node = node(proxy.uri(), 1, 2)) {
      node.track("first");
      proxy.cut();
      for (String key : List.of("a", "b", "c")) {
        node.track(key);
        node.signal(Signal.of(OPEN, key, "p", 1));
      }
      assertThat(node.release("a")).as("a session this node tracked, kept").isTrue();
      assertThat(node.release("b")).isTrue();
      assertThat(node.release("a")).as("kept already: not released twice").isFalse();
      assertThat(node.release("x")).as("a key this node never saw: not live").isFalse();
      RedisStoreHealth health = store.health();
      assertThat(health.keptTracks()).isEqualTo(2);
      assertThat(health.keptReleases()).isEqualTo(2);
    }
  }
}
