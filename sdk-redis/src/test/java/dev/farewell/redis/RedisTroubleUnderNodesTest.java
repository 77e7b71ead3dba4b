package dev.farewell.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Redis trouble under three engine nodes that are processes of their own ({@link NodeFleet}), with
 * pages beating to them: Redis killed with {@code kill -9} and restarted with its data and with
 * none, a failover to a replica, and one node cut off from Redis for 20 s while its pages beat to
 * it (session affinity) or through a balancer. Each prints its figures; what each trouble cannot
 * undo (a loss of data) is checked against what it explains.
 */
class RedisTroubleUnderNodesTest {

  private static final Duration TRAFFIC = Duration.ofSeconds(6);
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void redisKilledAndRestartedWithItsDataLosesNothingAndFalsifiesNothing() throws Exception {
    try (RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always");
        NodeFleet fleet = new NodeFleet(dir, NodeFleet.same(redis.uri(), 3),
            Duration.ofMillis(1_500), false)) {
      fleet.startTraffic();
      Thread.sleep(TRAFFIC.toMillis());
      redis.kill();
      Thread.sleep(2_000);
      redis.startAgain();
      Thread.sleep(TRAFFIC.toMillis());
      NodeFleet.Figures figures = fleet.finish(PATIENCE);
      System.out.println("redis kill -9 and restart with its data: " + figures);

      assertThat(figures.lost()).isEmpty();
      assertThat(figures.decidedTwice()).isEmpty();
      assertThat(figures.falseReleases()).isEmpty();
    }
  }

  @Test
  void redisRestartedWithoutItsDataFalsifiesNothingAndLosesOnlySessionsSilentSinceTheLoss()
      throws Exception {
    try (RedisServer redis = RedisServer.start();
        NodeFleet fleet = new NodeFleet(dir, NodeFleet.same(redis.uri(), 3),
            Duration.ofMillis(1_500), false)) {
      fleet.startTraffic();
      Thread.sleep(TRAFFIC.toMillis());
      redis.kill();
      redis.wipe();
      long lossAt = System.currentTimeMillis();
      long lossElapsed = fleet.elapsed();
      Thread.sleep(2_000);
      redis.startAgain();
      Thread.sleep(TRAFFIC.toMillis());
      NodeFleet.Figures figures = fleet.finish(PATIENCE);
      System.out.println("redis kill -9 and restart without data: " + figures);

      // A beat sent before the loss and answered after it may have been written before it: its
      // session is one of those the loss explains (its page fell silent, exited or logged out).
      figures.lost().stream()
          .filter(key -> fleet.lastBeat(key) < lossAt && fleet.lastAnswer(key) >= lossAt)
          .forEach(key -> System.out.printf("  lost %s: its last beat was sent %d ms before the "
              + "loss and answered %d ms after it%n", key, lossAt - fleet.lastBeat(key),
              fleet.lastAnswer(key) - lossAt));
      assertThat(figures.falseReleases()).isEmpty();
      List<String> beatSince =
          figures.lost().stream().filter(key -> fleet.lastBeat(key) >= lossAt).toList();
      assertThat(beatSince).as(() -> "lost although they beat after the loss (at " + lossElapsed
          + " ms)\n" + history(fleet, beatSince)).isEmpty();
      assertThat(figures.decidedTwice()).as("decided twice: only sessions ended before the loss")
          .allMatch(key -> fleet.lastBeat(key) < lossAt);
    }
  }

  @Test
  void failoverToAReplicaFalsifiesNothing() throws Exception {
    try (RedisServer primary = RedisServer.start();
        RedisServer replica = RedisServer.start("--replicaof", "127.0.0.1",
            Integer.toString(primary.port()));
        Proxies proxies = new Proxies(primary.uri(), 3);
        NodeFleet fleet = new NodeFleet(dir, proxies.uris(), Duration.ofMillis(1_500), false)) {
      fleet.startTraffic();
      Thread.sleep(TRAFFIC.toMillis());
      // The primary dies; the operator (or Sentinel) promotes the replica and moves the address.
      primary.kill();
      long failoverAt = System.currentTimeMillis();
      try (Jedis promoted = new Jedis(replica.uri())) {
        promoted.replicaofNoOne();
      }
      proxies.redirect(replica.uri());
      Thread.sleep(TRAFFIC.toMillis());
      NodeFleet.Figures figures = fleet.finish(PATIENCE);
      System.out.println("failover to a replica: " + figures);

      assertThat(figures.falseReleases()).isEmpty();
      assertThat(figures.lost()).as("lost: only writes the replica had not received")
          .allMatch(key -> fleet.lastBeat(key) < failoverAt);
      assertThat(figures.decidedTwice()).as("decided twice: only before the failover")
          .allMatch(key -> fleet.lastBeat(key) < failoverAt);
    }
  }

  @Test
  void nodeCutOffForTwentySecondsUnderSessionAffinityFalsifiesNothingWithinThePartitionGrace()
      throws Exception {
    cutOneNodeForTwentySeconds(true);
  }

  @Test
  void nodeCutOffForTwentySecondsThroughABalancerFalsifiesNothingWithinThePartitionGrace()
      throws Exception {
    cutOneNodeForTwentySeconds(false);
  }

  private void cutOneNodeForTwentySeconds(boolean affinity) throws Exception {
    try (RedisServer redis = RedisServer.start();
        Proxies proxies = new Proxies(redis.uri(), 3);
        NodeFleet fleet = new NodeFleet(dir, proxies.uris(), Duration.ofSeconds(30), affinity)) {
      fleet.startTraffic();
      Thread.sleep(TRAFFIC.toMillis());
      long cutAt = fleet.elapsed();
      proxies.get(0).cut();
      Thread.sleep(20_000);
      proxies.get(0).restore();
      System.out.printf("node-0 cut off from %d ms to %d ms%n", cutAt, fleet.elapsed());
      Thread.sleep(TRAFFIC.toMillis());
      NodeFleet.Figures figures = fleet.finish(PATIENCE);
      System.out.println("one node cut off from Redis for 20 s ("
          + (affinity ? "session affinity" : "through a balancer") + "): " + figures);

      assertThat(figures.lost()).as(() -> history(fleet, figures.lost())).isEmpty();
      assertThat(figures.decidedTwice()).as(() -> history(fleet, figures.decidedTwice()))
          .isEmpty();
      assertThat(figures.falseReleases()).as(() -> history(fleet, figures.falseReleases()))
          .isEmpty();
    }
  }

  private static String history(NodeFleet fleet, List<String> keys) {
    try {
      return fleet.history(keys);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  /** A TCP proxy per node in front of Redis. */
  private static final class Proxies implements AutoCloseable {
    private final List<RedisProxy> proxies = new ArrayList<>();

    Proxies(URI redis, int count) throws Exception {
      for (int i = 0; i < count; i++) {
        proxies.add(new RedisProxy(redis));
      }
    }

    RedisProxy get(int index) {
      return proxies.get(index);
    }

    List<URI> uris() {
      return proxies.stream().map(RedisProxy::uri).toList();
    }

    void redirect(URI redis) {
      proxies.forEach(proxy -> proxy.redirect(redis));
    }

    @Override
    public void close() throws Exception {
      for (RedisProxy proxy : proxies) {
        proxy.close();
      }
    }
  }
}
