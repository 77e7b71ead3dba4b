package dev.farewell.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three engine nodes, each its own JVM ({@link KilledNode}), on a Redis of the test's own, with
 * pages beating to them through a balancer that skips dead nodes ({@link NodeFleet}). Round after
 * round the test kills a random node with {@code kill -9} at a random moment (while its release
 * actions run, wait for a retry or have just completed) and starts it again. Then it checks what
 * every node wrote: each ended session has exactly one release id and at least one completed action
 * run; each session that kept beating has no release at all, unless one of its beats reached the
 * nodes later than the rules allow (the test's driver, or the node taking it, ran late on a loaded
 * machine: see {@link NodeFleet}), and its release's deadline passed before that beat.
 *
 * <p>20 rounds by default; {@code -Dfarewell.killRounds=N} (or {@code FAREWELL_KILL_ROUNDS}) for a
 * longer soak.
 */
class NodeKillTest {

  @TempDir Path dir;

  @Test
  void killingRandomNodesAtRandomMomentsLosesNoReleaseAndFalsifiesNone() throws Exception {
    int rounds = Integer.getInteger("farewell.killRounds",
        Integer.parseInt(System.getenv().getOrDefault("FAREWELL_KILL_ROUNDS", "20")));
    try (RedisServer redis = RedisServer.start();
        NodeFleet fleet = new NodeFleet(dir, NodeFleet.same(redis.uri(), 3),
            Duration.ofMillis(1_500), false)) {
      fleet.startTraffic();
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int round = 0; round < rounds; round++) {
        Thread.sleep(1_000 + random.nextLong(3_000));
        fleet.killAndRestart(random.nextInt(fleet.size()));
      }
      NodeFleet.Figures figures = fleet.finish(Duration.ofSeconds(60));
      System.out.printf("node kill suite: %d rounds (%d kills), %s%n", rounds, rounds, figures);
      figures.lateBeats().forEach(late -> System.out.println("  released after a late beat: "
          + late));

      assertThat(figures.lost()).as("ended sessions whose release action never completed")
          .isEmpty();
      assertThat(figures.decidedTwice()).as("sessions released under two release ids").isEmpty();
      assertThat(figures.falseReleases()).as(() -> "sessions released while their pages beat\n"
          + history(fleet, figures.falseReleases())).isEmpty();
      assertThat(figures.movedNodes())
          .as("releases whose node was killed and that another node finished").isPositive();
      assertThat(figures.unreachable()).as("pages that found no node")
          .isLessThan(figures.beating());
    }
  }

  private static String history(NodeFleet fleet, java.util.List<String> keys) {
    try {
      return fleet.history(keys);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
