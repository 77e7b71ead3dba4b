package dev.farewell.redis;

import static dev.farewell.SignalType.EXIT;
import static dev.farewell.SignalType.HIDDEN;
import static dev.farewell.SignalType.OPEN;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.RedisClient;

/**
 * Edges of a key tracked again while its old session is due or being released ({@code rt}): a
 * session adopted (it turned out alive) keeps the page limit and the beats of refused pages, a
 * logout of the new session asked again with its id is acted on once, and a late track asked
 * before that logout starts nothing after it.
 */
class RetrackEdgesTest {
  private final String prefix = TestRedis.uniquePrefix();
  private final String shard = "{" + prefix + ":0}";
  private final FakeTime time = new FakeTime(prefix);
  private final RedisClient redis = RedisClient.create(TestRedis.uri());
  private final List<Release> released = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<Void>> running = new CopyOnWriteArrayList<>();
  private final List<Farewell> nodes = new ArrayList<>();
  private final List<RedisSessionStore> stores = new ArrayList<>();
  /** Which releases' actions stay running until completed by the test. */
  private volatile Predicate<Release> slow = r -> running.isEmpty();

  @AfterEach
  void close() {
    for (Farewell node : nodes) {
      node.close();
    }
    redis.close();
    time.close();
  }

  private Farewell node(int maximumPages) {
    RedisSessionStore store =
        FakeTimeEngine.store(prefix).recoveryGrace(Duration.ofMillis(200)).build();
    stores.add(store);
    Farewell node = FakeTimeEngine.builder(time, store)
        .maximumPagesPerSession(maximumPages)
        .releaseAction(release -> {
          released.add(release);
          if (!slow.test(release)) {
            return CompletableFuture.completedFuture(null);
          }
          CompletableFuture<Void> done = new CompletableFuture<>();
          running.add(done);
          return done;
        })
        .build();
    nodes.add(node);
    return node;
  }

  private long pages(String kind) {
    return redis.hkeys(shard + ":s:s").stream().filter(f -> f.startsWith(kind)).count();
  }

  /**
   * Page old opens at t = 0 and falls silent; at t = 16 s (its release under way when
   * {@code releaseRuns}, else only due) the key is tracked again (rt), pages new-1 and new-2 of the
   * new session open, and at t = 17 s page new-3, hidden (it may beat until t = 167 s), is refused
   * at the page limit of 2.
   */
  private void refusedPageOfTheNewSession(Farewell node, boolean releaseRuns) {
    node.signal(Signal.of(OPEN, "s", "old", 1));
    time.advance(Duration.ofSeconds(16));
    if (releaseRuns) {
      node.cleanUp();
    }
    node.track("s", Map.of("user", "ada"));
    node.signal(Signal.of(OPEN, "s", "new-1", 1));
    node.signal(Signal.of(OPEN, "s", "new-2", 1));
    time.advance(Duration.ofSeconds(1));
    assertThat(node.signal(Signal.of(HIDDEN, "s", "new-3", 1)).status())
        .as("a third page, hidden (may beat for 150 s)").isEqualTo(Status.FULL);
  }

  /**
   * Nodes A and C; page old of session s opens at t = 0 and falls silent, and A's sweep at t = 16 s
   * starts its release. Returns A.
   */
  private Farewell oldReleaseRunningOnA() {
    Farewell a = node(16);
    node(16);
    a.signal(Signal.of(OPEN, "s", "old", 1));
    time.advance(Duration.ofSeconds(16));
    a.cleanUp();
    return a;
  }

  /** Adopting the noted pages of the new session (n:) keeps maximumPagesPerSession. */
  @Test
  void adoptKeepsThePageLimit() {
    Farewell node = node(2);
    node.signal(Signal.of(OPEN, "s", "old-1", 1));
    node.signal(Signal.of(OPEN, "s", "old-2", 1));
    time.advance(Duration.ofSeconds(16)); // past the deadline, not claimed
    node.track("s", Map.of("user", "ada")); // rt
    assertThat(node.signal(Signal.of(OPEN, "s", "new-1", 1)).status()).isEqualTo(Status.LIVE);
    assertThat(node.signal(Signal.of(OPEN, "s", "new-2", 1)).status()).isEqualTo(Status.LIVE);
    redis.set(shard + ":hold", "rollback"); // a hold: deadlines may be stale
    node.signal(Signal.of(OPEN, "s", "old-1", 2)); // the old session is alive after all: adopted
    redis.del(shard + ":hold");
    assertThat(pages("p:")).as("pages of the adopted session, maximumPagesPerSession = 2")
        .isLessThanOrEqualTo(2);
    assertThat(pages("n:")).as("noted pages left after adoption").isZero();
  }

  /**
   * A page refused for the page limit (nd) keeps the adopted session alive while it may beat,
   * whichever page's signal adopts it: one refused in turn (the old page, no room left) or one of
   * the pages taken, whose signal works the deadline out again.
   */
  @ParameterizedTest
  @ValueSource(strings = {"old", "new-1"})
  void aRefusedPageKeepsTheAdoptedSessionAlive(String leaving) {
    Farewell node = node(2);
    refusedPageOfTheNewSession(node, false);
    redis.set(shard + ":hold", "rollback");
    time.advance(Duration.ofSeconds(1)); // t = 18 s
    node.signal(Signal.of(EXIT, "s", leaving, 2)); // adopted (hold), and that page leaves
    redis.del(shard + ":hold");
    time.advance(Duration.ofSeconds(82)); // t = 100 s: new-3 (hidden) may beat until 167 s
    node.cleanUp();
    assertThat(released).as("released while the refused hidden page may beat (until t = 167 s)")
        .isEmpty();
  }

  /**
   * A page refused for the page limit while the old release ran (nd) keeps the session that the
   * acknowledgement starts alive while it may beat, also after the session's own pages exit.
   */
  @Test
  void aRefusedPageKeepsTheRestartedSessionAliveAfterItsPagesExit() {
    slow = r -> r.reason() == ReleaseReason.TIMEOUT && running.isEmpty();
    Farewell node = node(2);
    refusedPageOfTheNewSession(node, true);
    running.get(0).complete(null);
    node.cleanUp(); // acknowledged: ada's session starts
    time.advance(Duration.ofSeconds(1)); // t = 18 s
    node.signal(Signal.of(EXIT, "s", "new-1", 2));
    node.signal(Signal.of(EXIT, "s", "new-2", 2));
    time.advance(Duration.ofSeconds(82)); // t = 100 s: new-3 (hidden) may beat until 167 s
    node.cleanUp();
    node.cleanUp();
    assertThat(released).extracting(Release::reason)
        .as("released while the refused hidden page may beat (until t = 167 s)")
        .containsExactly(ReleaseReason.TIMEOUT);
    time.advance(Duration.ofSeconds(70)); // t = 170 s
    node.cleanUp();
    node.cleanUp();
    assertThat(released).extracting(Release::reason)
        .containsExactly(ReleaseReason.TIMEOUT, ReleaseReason.TIMEOUT);
  }

  /**
   * The logout asked through node C, its reply lost (C keeps it with its id); a login after it
   * (xt); A's sweep takes the logout's release over, acts on it and acknowledges it, which starts
   * bob's session; C writes its kept release again with the same id: bob's session is left alone.
   */
  @Test
  void aLogoutAskedAgainAfterItsReleaseWasAcknowledgedLeavesTheNextLoginAlone() {
    slow = r -> r.reason() == ReleaseReason.TIMEOUT;
    Farewell a = oldReleaseRunningOnA();
    RedisSessionStore storeC = stores.get(1);
    a.track("s", Map.of("user", "ada"));
    assertThat(storeC.writeRelease("s", ReleaseReason.EXPLICIT, "logout-1")).isTrue(); // lost
    time.advance(Duration.ofSeconds(1));
    a.track("s", Map.of("user", "bob")); // t = 17 s: login after the logout (xt)
    running.get(0).complete(null);
    a.cleanUp(); // acknowledged: ada's session decided under logout-1, held by nobody
    a.cleanUp(); // A takes logout-1 over, acts and acknowledges it: bob's session starts
    a.cleanUp();
    assertThat(released).extracting(Release::releaseId).contains("logout-1");
    time.advance(Duration.ofSeconds(1));
    assertThat(storeC.writeRelease("s", ReleaseReason.EXPLICIT, "logout-1", 2000))
        .as("written again, asked 2 s ago").isFalse();
    assertThat(released.stream().filter(r -> r.releaseId().equals("logout-1")).count())
        .as("actions run for release logout-1").isEqualTo(1);
    assertThat(released).extracting(Release::attributes).as("releases made")
        .doesNotContain(Map.of("user", "bob"));
  }

  /**
   * The logout asked through node C, its reply lost (C keeps it with its id); A, which holds the
   * old release, acknowledges it and takes the logout's release (decided, held by nobody); C
   * writes its kept release again with the same id: the actions run once.
   */
  @Test
  void aLogoutAskedAgainAfterTheAckIsActedOnce() {
    slow = r -> true; // every action runs until the test completes it
    Farewell a = node(16);
    node(16);
    RedisSessionStore storeC = stores.get(1);
    a.signal(Signal.of(OPEN, "s", "old", 1));
    time.advance(Duration.ofSeconds(16));
    a.cleanUp(); // the old release, its action running on A
    assertThat(running).hasSize(1);
    a.track("s", Map.of("user", "ada"));
    assertThat(storeC.writeRelease("s", ReleaseReason.EXPLICIT, "logout-1")).isTrue();
    running.get(0).complete(null);
    a.cleanUp(); // acknowledges the old release: new session decided under logout-1; A takes it
    // C's first reply was lost: C writes its kept release again with the same id.
    assertThat(storeC.writeRelease("s", ReleaseReason.EXPLICIT, "logout-1"))
        .as("the release asked again is decided").isTrue();
    assertThat(released.stream().filter(r -> r.releaseId().equals("logout-1")).count())
        .as("actions run for release logout-1").isEqualTo(1);
  }

  /**
   * A login kept by a node cut off from Redis, asked before the logout and written after it, starts
   * no session after the logout.
   */
  @Test
  void aLateTrackAskedBeforeTheLogoutStartsNothingAfterIt() {
    Farewell a = oldReleaseRunningOnA();
    RedisSessionStore storeC = stores.get(1);
    time.advance(Duration.ofSeconds(1));
    a.track("s", Map.of("user", "ada")); // t = 17 s: login (rt)
    // t = 18 s: a second page of that login served through C, which cannot reach Redis: kept.
    time.advance(Duration.ofSeconds(2));
    assertThat(a.release("s")).as("logout at t = 19 s").isTrue();
    // C is back: writes its kept track, asked 1 s ago (before the logout).
    assertThat(storeC.writeTrack("s", Map.of("user", "ada"), 1000).status())
        .isEqualTo(Status.RELEASED);
    running.get(0).complete(null);
    a.cleanUp(); // old release acknowledged: the logout's release decided
    a.cleanUp();
    time.advance(Duration.ofMinutes(2));
    a.cleanUp();
    a.cleanUp();
    assertThat(released).extracting(Release::reason).as("releases made")
        .containsExactly(ReleaseReason.TIMEOUT, ReleaseReason.EXPLICIT);
  }
}
