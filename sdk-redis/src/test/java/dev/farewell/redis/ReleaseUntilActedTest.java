package dev.farewell.redis;

import static dev.farewell.SignalType.HEARTBEAT;
import static dev.farewell.SignalType.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.Signal;
import dev.farewell.SignalResult.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * A release is decided once in Redis and kept there, whole, until its actions completed: a node
 * that stops before then (killed, frozen, cut off) has its releases taken over by another node
 * once its lease runs out, with the same release id. Two nodes share a fake clock that the
 * scripts read; each sweeps only when the test calls {@code cleanUp()}, so a node the test stops
 * calling is a node that stopped.
 */
class ReleaseUntilActedTest {

  private static final Duration LEASE = Duration.ofSeconds(5);

  private final String prefix = TestRedis.uniquePrefix();
  private final FakeTime time = new FakeTime(prefix);
  private final RedisClient redis = RedisClient.create(TestRedis.uri());
  private final List<Node> nodes = new ArrayList<>();

  /** An engine node whose release action completes when the test says so. */
  private final class Node {
    final List<Release> started = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<Void>> running = new CopyOnWriteArrayList<>();
    final List<Release> refused = new CopyOnWriteArrayList<>();
    final RedisSessionStore store;
    final Farewell farewell;

    Node(int maximumInFlight, int maximumPending) {
      store = RedisSessionStore.newBuilder()
          .redisUri(TestRedis.uri())
          .keyPrefix(prefix)
          .sweepInterval(Duration.ofHours(1))
          .claimLease(LEASE)
          .closeTimeout(Duration.ofMillis(50))
          .maximumReleasesInFlight(maximumInFlight)
          .build();
      farewell = Farewell.newBuilder()
          .ticker(time)
          .releaseExecutor(Runnable::run)
          .maximumPendingReleases(maximumPending)
          .shutdownTimeout(Duration.ofMillis(100))
          .releaseAction(release -> {
            started.add(release);
            CompletableFuture<Void> done = new CompletableFuture<>();
            running.add(done);
            return done;
          })
          .onReleaseFailure((release, cause) -> refused.add(release))
          .store(store)
          .build();
      nodes.add(this);
    }

    Node() {
      this(1_000, 10_000);
    }

    void completeAll() {
      running.forEach(done -> done.complete(null));
      farewell.cleanUp();
    }
  }

  @AfterEach
  void close() {
    nodes.forEach(node -> node.farewell.close());
    redis.close();
    time.close();
  }

  private String session(String key) {
    return "{" + prefix + ":0}:s:" + key;
  }

  private String claimed() {
    return "{" + prefix + ":0}:claimed";
  }

  private void advance(Duration duration) {
    time.advance(duration);
  }

  @Test
  void releaseStaysInRedisWithItsIdUntilItsActionsCompleted() {
    Node node = new Node();
    node.farewell.track("s", Map.of("user", "ada"));
    node.farewell.signal(Signal.of(OPEN, "s", "a", 1));
    advance(Duration.ofSeconds(16));
    node.farewell.cleanUp();

    Release release = node.started.get(0);
    assertThat(redis.hget(session("s"), "rid")).isEqualTo(release.releaseId());
    assertThat(redis.hget(session("s"), "at")).contains("ada");
    assertThat(redis.zscore(claimed(), "s")).isNotNull();
    assertThat(node.farewell.signal(Signal.of(HEARTBEAT, "s", "a", 2)).status())
        .isEqualTo(Status.RELEASED);

    node.completeAll();
    assertThat(redis.exists(session("s"))).isFalse();
    assertThat(redis.zcard(claimed())).isZero();
    assertThat(node.farewell.signal(Signal.of(HEARTBEAT, "s", "a", 3)).status())
        .isEqualTo(Status.RELEASED);
  }

  /*
   * The releases a node forgets together are forgotten each on its own: one whose session hash
   * cannot be read (a page noted in another format) stays held and is retried, the others are
   * forgotten (before: the whole batch failed, every time).
   */
  @Test
  void aReleaseThatCannotBeForgottenDoesNotHoldBackTheOthers() {
    Node node = new Node();
    node.farewell.signal(Signal.of(OPEN, "bad", "a", 1));
    node.farewell.signal(Signal.of(OPEN, "good", "a", 1));
    advance(Duration.ofSeconds(16));
    node.farewell.cleanUp();
    assertThat(node.started).hasSize(2);
    redis.hset(session("bad"), Map.of("rt", "1", "n:b", "not a page"));

    node.completeAll();

    assertThat(redis.exists(session("good"))).as("the session of the good release").isFalse();
    assertThat(redis.hget(session("bad"), "rid")).as("the release that failed, still decided")
        .isNotNull();
    assertThat(node.store.health().releasesInFlight()).as("releases held").isEqualTo(1);
  }

  @Test
  void releaseOfANodeThatStoppedIsTakenOverWholeWithTheSameIdAfterItsLease() {
    Node stopped = new Node();
    Node other = new Node();
    stopped.farewell.track("s", Map.of("user", "ada"));
    advance(Duration.ofSeconds(31));
    stopped.farewell.cleanUp();
    Release first = stopped.started.get(0);

    advance(LEASE.minusMillis(1));
    other.farewell.cleanUp();
    assertThat(other.started).as("the lease still runs").isEmpty();

    advance(Duration.ofMillis(1));
    other.farewell.cleanUp();
    assertThat(other.started).containsExactly(first);
    assertThat(other.store.held.takenOver()).isEqualTo(1);

    other.completeAll();
    assertThat(redis.exists(session("s"))).isFalse();
    // The stopped node comes back and finishes too: Redis has forgotten the release already.
    stopped.completeAll();
    assertThat(redis.exists(session("s"))).isFalse();
    assertThat(stopped.farewell.signal(Signal.of(OPEN, "s", "b", 1)).status())
        .isEqualTo(Status.RELEASED);
  }

  @Test
  void workingNodeRenewsItsLeaseSoNoOtherNodeRunsTheActionsAgain() {
    Node working = new Node();
    Node other = new Node();
    working.farewell.track("s");
    advance(Duration.ofSeconds(31));
    working.farewell.cleanUp();
    for (int i = 0; i < 6; i++) {
      advance(LEASE.dividedBy(2));
      working.farewell.cleanUp();
      other.farewell.cleanUp();
    }
    assertThat(other.started).isEmpty();
    working.completeAll();
    advance(LEASE.multipliedBy(2));
    other.farewell.cleanUp();
    assertThat(other.started).isEmpty();
    assertThat(working.started).hasSize(1);
  }

  @Test
  void sweeperDecidesNoMoreReleasesThanItHasRoomFor() {
    Node node = new Node(3, 10_000);
    for (int i = 0; i < 10; i++) {
      node.farewell.track("s" + i);
    }
    advance(Duration.ofSeconds(31));
    node.farewell.cleanUp();
    assertThat(node.started).hasSize(3);
    assertThat(redis.zcard("{" + prefix + ":0}:due")).isEqualTo(7);

    node.completeAll();
    assertThat(node.started).hasSize(6);
    node.completeAll();
    node.completeAll();
    node.completeAll();
    assertThat(node.started).extracting(Release::sessionKey).doesNotHaveDuplicates().hasSize(10);
  }

  @Test
  void releasesThePipelineRefusedStayInRedisAndAreActedOnLater() {
    Node node = new Node(5, 1);
    node.farewell.track("a");
    node.farewell.track("b");
    advance(Duration.ofSeconds(31));
    node.farewell.cleanUp();
    assertThat(node.started).hasSize(1);
    // The engine tells its failure listener of a refusal on a thread of its own.
    await().atMost(Duration.ofSeconds(5)).until(() -> node.refused.size() == 1);
    String refused = node.refused.get(0).sessionKey();
    assertThat(redis.hget(session(refused), "rid")).isEqualTo(node.refused.get(0).releaseId());

    node.completeAll();
    advance(LEASE);
    node.farewell.cleanUp();
    assertThat(node.started).extracting(Release::sessionKey).containsExactlyInAnyOrder("a", "b");
    assertThat(node.started.get(1).releaseId()).isEqualTo(node.refused.get(0).releaseId());
    node.completeAll();
    assertThat(redis.zcard(claimed())).isZero();
  }

  @Test
  void explicitReleaseAskedAgainAfterALostReplyGetsTheSameDecision() {
    Node node = new Node();
    node.farewell.track("s", Map.of("user", "ada"));
    assertThat(node.store.writeRelease("s", ReleaseReason.EXPLICIT, "id-1")).isTrue();
    advance(Duration.ofSeconds(1));
    // The first reply was lost: the node asks again with the same id.
    assertThat(node.store.writeRelease("s", ReleaseReason.EXPLICIT, "id-1")).isTrue();
    assertThat(node.store.writeRelease("s", ReleaseReason.EXPLICIT, "id-2")).isFalse();
    assertThat(node.started).singleElement().satisfies(release -> {
      assertThat(release.releaseId()).isEqualTo("id-1");
      assertThat(release.reason()).isEqualTo(ReleaseReason.EXPLICIT);
      assertThat(release.attributes()).containsEntry("user", "ada");
    });
    node.completeAll();
    assertThat(node.store.writeRelease("s", ReleaseReason.EXPLICIT, "id-1")).isFalse();
    assertThat(redis.exists(session("s"))).isFalse();
  }

  @Test
  void explicitReleaseAskedAgainAfterItWasAcknowledgedLeavesTheNextLoginAlone() {
    Node node = new Node();
    node.farewell.track("s", Map.of("user", "ada"));
    assertThat(node.store.writeRelease("s", ReleaseReason.EXPLICIT, "id-1")).isTrue();
    node.completeAll(); // acted and acknowledged
    advance(Duration.ofSeconds(1));
    node.farewell.track("s", Map.of("user", "bob")); // the next login
    advance(Duration.ofSeconds(1));
    // The first reply was lost: the node writes the release again, asked 2 s ago.
    assertThat(node.store.writeRelease("s", ReleaseReason.EXPLICIT, "id-1", 2000)).isFalse();
    assertThat(node.started).extracting(Release::releaseId).containsExactly("id-1");
    assertThat(redis.exists(session("s"))).as("bob's session").isTrue();
    // A release asked now is made.
    assertThat(node.store.writeRelease("s", ReleaseReason.EXPLICIT, "id-2")).isTrue();
    assertThat(node.started).extracting(Release::releaseId).containsExactly("id-1", "id-2");
  }

  @Test
  void explicitReleaseOfANodeThatStoppedIsTakenOverWithItsReason() {
    Node stopped = new Node();
    Node other = new Node();
    stopped.farewell.track("s", Map.of("user", "ada"));
    assertThat(stopped.farewell.release("s")).isTrue();
    advance(LEASE);
    other.farewell.cleanUp();
    assertThat(other.started).singleElement().satisfies(release -> {
      assertThat(release).isEqualTo(stopped.started.get(0));
      assertThat(release.reason()).isEqualTo(ReleaseReason.EXPLICIT);
    });
  }

  @Test
  void closeLeavesReleasesWhoseActionsDidNotFinishToTheOtherNodes() {
    Node closing = new Node();
    Node other = new Node();
    closing.farewell.track("s", Map.of("user", "ada"));
    advance(Duration.ofSeconds(31));
    closing.farewell.cleanUp();
    Release first = closing.started.get(0);
    closing.farewell.close();
    assertThat(redis.hget(session("s"), "rid")).isEqualTo(first.releaseId());

    advance(LEASE);
    other.farewell.cleanUp();
    assertThat(other.started).containsExactly(first);
    other.completeAll();
    assertThat(redis.exists(session("s"))).isFalse();
  }
}
