package dev.farewell.redis;

import static dev.farewell.SignalType.EXIT;
import static dev.farewell.SignalType.HEARTBEAT;
import static dev.farewell.SignalType.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.Signal;
import dev.farewell.SignalResult.Status;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;

/**
 * A Sentinel-managed primary on loopback (one primary, one replica, three {@code redis-server
 * --sentinel}), configured by a {@code redis-sentinel://} URI: the primary is killed ({@code
 * SIGKILL}), the Sentinels promote the replica, and the store follows it. A page that keeps
 * beating is not released; one that stopped before the kill is released once. And the store's
 * timeouts reach the connections to the primary and to the Sentinels.
 */
class SentinelTest {

  private static final int PRIMARY = 7010;
  private static final int REPLICA = 7011;
  private static final int FIRST_SENTINEL = 26300;

  @Test
  void theStoreFollowsAPromotedReplicaWithoutAFalseRelease() throws Exception {
    Path dir = Files.createTempDirectory("redis-sentinel");
    List<Process> processes = new ArrayList<>();
    try {
      Process primary;
      try {
        primary = server(dir, PRIMARY, List.of());
      } catch (IOException e) {
        TestRedis.skipOrFail("redis-server could not be started: " + e);
        return;
      }
      processes.add(primary);
      processes.add(server(dir, REPLICA, List.of("--replicaof", "127.0.0.1", "" + PRIMARY)));
      for (int i = 0; i < 3; i++) {
        Path conf = dir.resolve("sentinel" + i + ".conf");
        Files.writeString(conf, String.join("\n",
            "port " + (FIRST_SENTINEL + i), "bind 127.0.0.1", "protected-mode no",
            "sentinel monitor shop 127.0.0.1 " + PRIMARY + " 2",
            "sentinel down-after-milliseconds shop 1000",
            "sentinel failover-timeout shop 5000", ""));
        processes.add(new ProcessBuilder("redis-server", conf.toString(), "--sentinel")
            .redirectErrorStream(true).redirectOutput(dir.resolve("s" + i + ".log").toFile())
            .start());
      }
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
        try (Jedis replica = new Jedis("127.0.0.1", REPLICA)) {
          return replica.info("replication").contains("master_link_status:up");
        }
      });
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
        try (Jedis sentinel = new Jedis("127.0.0.1", FIRST_SENTINEL)) {
          return sentinel.info("sentinel").contains("sentinels=3")
              && sentinel.info("sentinel").contains("slaves=1");
        }
      });

      Map<String, List<Release>> releases = new ConcurrentHashMap<>();
      RedisSessionStore store = RedisSessionStore.newBuilder()
          .redisUri("redis-sentinel://127.0.0.1:" + FIRST_SENTINEL + ",127.0.0.1:"
              + (FIRST_SENTINEL + 1) + ",127.0.0.1:" + (FIRST_SENTINEL + 2) + "/shop")
          .keyPrefix(TestRedis.uniquePrefix()).recoveryGrace(Duration.ofSeconds(2)).build();
      try (Farewell farewell = Farewell.newBuilder()
          .heartbeatInterval(Duration.ofSeconds(1)).heartbeatTimeout(Duration.ofSeconds(4))
          .onRelease(release -> releases.computeIfAbsent(release.sessionKey(),
              k -> new CopyOnWriteArrayList<>()).add(release))
          .store(store).build()) {
        assertThat(farewell.signal(Signal.of(OPEN, "beating", "p", 1)).status())
            .isEqualTo(Status.LIVE);
        assertThat(farewell.signal(Signal.of(OPEN, "stopped", "p", 1)).status())
            .isEqualTo(Status.LIVE);

        primary.destroyForcibly().waitFor();
        long sequence = 1;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        boolean promoted = false;
        while (System.nanoTime() < until) {
          Thread.sleep(1_000);
          assertThat(farewell.signal(Signal.of(HEARTBEAT, "beating", "p", ++sequence)).status())
              .isEqualTo(Status.LIVE);
          promoted = promoted || isPrimary(REPLICA);
        }
        assertThat(promoted).as("the Sentinels promoted the replica").isTrue();
        assertThat(store.health().redisUp()).as("the store reaches the promoted replica").isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> releases.containsKey("stopped"));
        assertThat(farewell.session("beating")).isPresent();
        try (Jedis promotedPrimary = new Jedis("127.0.0.1", REPLICA)) {
          assertThat(promotedPrimary.dbSize()).as("sessions written to the new primary")
              .isPositive();
        }
        Thread.sleep(1_000);
        System.out.printf("sentinel: releases %s%n", releases.keySet());
        assertThat(releases.keySet()).containsExactly("stopped");
        assertThat(releases.get("stopped")).hasSize(1);
      }
    } finally {
      for (Process process : processes) {
        process.destroyForcibly();
      }
      for (Process process : processes) {
        process.waitFor(5, TimeUnit.SECONDS);
      }
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * The read timeout reaches the primary's connections in Sentinel mode: a primary stalled longer
   * fails the call within it (Jedis's own is 2 s) and the store takes the outage path; the exit
   * it kept is written when the primary serves again, and the session released once.
   */
  @Test
  void aStalledPrimaryFailsACallWithinTheReadTimeoutThenTheSessionIsReleasedOnce()
      throws Exception {
    TestRedis.uri();
    Path dir = Files.createTempDirectory("redis-sentinel");
    RedisServer primary;
    try {
      primary = RedisServer.start();
    } catch (IOException e) {
      TestRedis.skipOrFail("redis-server could not be started: " + e);
      return;
    }
    int sentinelPort = TestRedis.freePort();
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(conf, String.join("\n", "port " + sentinelPort, "bind 127.0.0.1",
        "protected-mode no", "sentinel monitor shop 127.0.0.1 " + primary.port() + " 1", ""));
    Process sentinel = new ProcessBuilder("redis-server", conf.toString(), "--sentinel")
        .redirectErrorStream(true).redirectOutput(dir.resolve("s.log").toFile()).start();
    Map<String, List<Release>> releases = new ConcurrentHashMap<>();
    Duration readTimeout = Duration.ofMillis(500);
    try (primary) {
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
        try (Jedis jedis = new Jedis("127.0.0.1", sentinelPort)) {
          return jedis.sentinelGetMasterAddrByName("shop").size() == 2;
        }
      });
      RedisSessionStore store = RedisSessionStore.newBuilder()
          .redisUri("redis-sentinel://127.0.0.1:" + sentinelPort + "/shop")
          .keyPrefix(TestRedis.uniquePrefix()).recoveryGrace(Duration.ofSeconds(1))
          .readTimeout(readTimeout).build();
      try (Farewell farewell = Farewell.newBuilder()
          .heartbeatInterval(Duration.ofSeconds(1)).heartbeatTimeout(Duration.ofSeconds(4))
          .exitGrace(Duration.ofMillis(500))
          .onRelease(release -> releases.computeIfAbsent(release.sessionKey(),
              k -> new CopyOnWriteArrayList<>()).add(release))
          .store(store).build()) {
        farewell.signal(Signal.of(OPEN, "exiting", "p", 1));

        RedisStallTest.pause(primary, Duration.ofMillis(2_500), ClientPauseMode.ALL);
        long took = RedisStallTest.millis(() -> assertThat(
            farewell.signal(Signal.of(EXIT, "exiting", "p", 2)).status())
            .isEqualTo(Status.EXITING));

        System.out.printf("sentinel primary paused: exit answered in %d ms%n", took);
        assertThat(took).as("ms to answer the exit")
            .isLessThan(RedisStallTest.bound(readTimeout));
        assertThat(store.health().redisUp()).isFalse();
        await().atMost(Duration.ofSeconds(15)).until(() -> releases.containsKey("exiting"));
        RedisStallTest.pass(Duration.ofSeconds(1));
        assertThat(releases.get("exiting")).hasSize(1);
        assertThat(releases.get("exiting").get(0).reason()).isEqualTo(ReleaseReason.EXIT);
      }
    } finally {
      sentinel.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * The timeouts reach the connections to the Sentinels too: a Sentinel that accepts the
   * connection and never answers (a real socket) fails the build within the read timeout.
   */
  @Test
  void aSentinelThatNeverAnswersFailsTheBuildWithinTheReadTimeout() throws Exception {
    Duration readTimeout = Duration.ofMillis(300);
    try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> RedisSessionStore.newBuilder()
          .redisUri("redis-sentinel://127.0.0.1:" + silent.getLocalPort() + "/shop")
          .readTimeout(readTimeout).build())
          .hasMessageContaining("All sentinels down");
      assertThat((System.nanoTime() - start) / 1_000_000).as("ms to fail the build")
          .isLessThan(RedisStallTest.bound(readTimeout));
    }
  }

  private static Process server(Path dir, int port, List<String> extra) throws IOException {
    List<String> command = new ArrayList<>(List.of("redis-server", "--port", "" + port, "--bind",
        "127.0.0.1", "--dir", dir.toString(), "--dbfilename", port + ".rdb", "--save", "",
        "--appendonly", "no", "--protected-mode", "no"));
    command.addAll(extra);
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(port + ".log").toFile()).start();
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      try (Jedis jedis = new Jedis("127.0.0.1", port)) {
        return "PONG".equals(jedis.ping());
      }
    });
    return process;
  }

  private static boolean isPrimary(int port) {
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      return jedis.info("replication").contains("role:master");
    } catch (RuntimeException e) {
      return false;
    }
  }
}
