package dev.farewell.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Three engine nodes on one Redis, each page's signals spread over them at random, in real time:
 * every session is released exactly once, for the right reason, within its deadline plus the
 * sweep interval plus one second.
 */
class MultiNodeReleaseTest {

  @Test
  void tenThousandSessionsOverThreeNodesAreEachReleasedOnceOnTime() throws Exception {
    URI redis = TestRedis.uri();
    String prefix = TestRedis.uniquePrefix();
    try (Traffic traffic = new Traffic()) {
      for (int i = 0; i < 3; i++) {
        traffic.addNode(store -> store.redisUri(redis).keyPrefix(prefix).shards(4));
      }
      traffic.start(10_000, 8_000);
      await().atMost(Duration.ofSeconds(60)).until(() -> traffic.finished.get() == 10_000);
      await().atMost(Duration.ofSeconds(20))
          .until(() -> traffic.releases.size() >= traffic.expected.size());
      // One more second for any second release of a session to show itself.
      await().pollDelay(Duration.ofSeconds(1)).until(() -> true);

      List<String> problems = traffic.check(250 + 1_000);
      long coalesced = traffic.stores.stream().mapToLong(s -> s.seen.coalesced.sum()).sum();
      long written = traffic.stores.stream().mapToLong(s -> s.seen.written.sum()).sum();
      System.out.printf("multi-node: %d releases, %d lives cut short by a late test driver, "
          + "%d heartbeats answered locally, %d signals written, longest JVM stall %d ms%n",
          traffic.releases.size(), traffic.abandoned.get(), coalesced, written,
          traffic.longestStall());
      assertThat(problems).as("sessions released wrongly").isEmpty();
      assertThat(traffic.abandoned.get()).as("lives the test driver could not keep")
          .isLessThan(2_000);
      assertThat(traffic.expected).hasSize(10_000);
      assertThat(traffic.releasedBy.values()).as("every node took part in releasing")
          .contains(0, 1, 2);
      assertThat(traffic.nodes.get(0).size()).isZero();
    }
  }
}
