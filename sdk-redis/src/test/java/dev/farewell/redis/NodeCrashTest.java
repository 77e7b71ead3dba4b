package dev.farewell.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A node dies mid-run, without {@code close()}, right after its sweeper claimed due sessions and
 * before it acknowledged them: the other nodes release those sessions once the lease expires, and
 * every session is still released exactly once.
 */
class NodeCrashTest {

  @Test
  void nodeKilledBetweenClaimAndAcknowledgementLosesNothingAndDoublesNothing() throws Exception {
    URI redis = TestRedis.uri();
    String prefix = TestRedis.uniquePrefix();
    Duration lease = Duration.ofSeconds(1);
    AtomicBoolean armed = new AtomicBoolean();
    AtomicBoolean killed = new AtomicBoolean();
    List<String> claimedByTheDead = new CopyOnWriteArrayList<>();
    try (Traffic traffic = new Traffic()) {
      traffic.addNode(store -> store.redisUri(redis).keyPrefix(prefix).claimLease(lease));
      traffic.addNode(store -> store.redisUri(redis).keyPrefix(prefix).claimLease(lease));
      traffic.addNode(store -> store.redisUri(redis).keyPrefix(prefix).claimLease(lease)
          .claimHook((node, keys) -> {
            if (armed.get() && killed.compareAndSet(false, true)) {
              claimedByTheDead.addAll(keys);
              traffic.kill(2);
              node.crash();
              throw new IllegalStateException("node killed between claim and acknowledgement");
            }
          }));
      traffic.start(3_000, 6_000);
      await().atMost(Duration.ofSeconds(30)).until(() -> traffic.releases.size() > 200);
      armed.set(true);
      await().atMost(Duration.ofSeconds(30)).until(killed::get);
      await().atMost(Duration.ofSeconds(60)).until(() -> traffic.finished.get() == 3_000);
      await().atMost(Duration.ofSeconds(20))
          .until(() -> traffic.releases.size() >= traffic.expected.size());
      await().pollDelay(Duration.ofSeconds(2)).until(() -> true);

      // A dead node also loses the heartbeats it had coalesced and not written yet: a page that
      // stopped right after such a beat is released up to one coalescing window early.
      long window = Traffic.TIMEOUT - Traffic.INTERVAL * 3 / 2;
      List<String> problems = traffic.check(250 + 1_000 + lease.toMillis(), window);
      assertThat(problems).as("sessions released wrongly").isEmpty();
      assertThat(claimedByTheDead).as("the node died holding claims").isNotEmpty();
      for (String key : claimedByTheDead) {
        assertThat(traffic.releases.get(key)).as(key).hasSize(1);
        assertThat(traffic.releasedBy.get(key)).as(key).isIn(0, 1);
      }
    }
  }
}
