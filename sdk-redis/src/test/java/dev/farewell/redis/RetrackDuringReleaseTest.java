package dev.farewell.redis;

import static dev.farewell.SignalType.HEARTBEAT;
import static dev.farewell.SignalType.HIDDEN;
import static dev.farewell.SignalType.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.Signal;
import dev.farewell.SignalResult.Status;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * A key tracked again while its old session is due or being released ({@code rt}): the old
 * session is released once, the new one once, each with its own attributes, whatever happens
 * meanwhile (a beat that shows the old session alive after all, pages of the new session beyond
 * the page limit, a logout of the new session).
 */
class RetrackDuringReleaseTest {

  private final String prefix = TestRedis.uniquePrefix();
  private final String shard = "{" + prefix + ":0}";
  private final FakeTime time = new FakeTime(prefix);
  private final RedisClient redis = RedisClient.create(TestRedis.uri());
  private final List<Release> released = new CopyOnWriteArrayList<>();
  /** The action of the first release waits until completed here (a slow webhook); others not. */
  private final List<CompletableFuture<Void>> running = new CopyOnWriteArrayList<>();
  private final List<Farewell> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    for (Farewell node : nodes) {
      node.close();
    }
    redis.close();
    time.close();
  }

  private Farewell node(URI uri, int maximumPages, boolean firstActionSlow) {
    RedisSessionStore store = RedisSessionStore.newBuilder()
        .redisUri(uri)
        .keyPrefix(prefix)
        .sweepInterval(Duration.ofHours(1))
        .recoveryGrace(Duration.ofMillis(200))
        .closeTimeout(Duration.ofMillis(50))
        .build();
    Farewell node = Farewell.newBuilder()
        .ticker(time)
        .releaseExecutor(Runnable::run)
        .shutdownTimeout(Duration.ofMillis(100))
        .maximumPagesPerSession(maximumPages)
        .releaseAction(release -> {
          released.add(release);
          if (!firstActionSlow || !running.isEmpty()) {
            return CompletableFuture.completedFuture(null);
          }
          CompletableFuture<Void> done = new CompletableFuture<>();
          running.add(done);
          return done;
        })
        .store(store)
        .build();
    nodes.add(node);
    return node;
  }

  /** Asserts the releases made so far: reason and attributes of each, in order. */
  private void assertReleased(Tuple... expected) {
    assertThat(released).extracting(Release::reason, Release::attributes)
        .containsExactly(expected);
  }

  /**
   * A node whose session s (page "old") passed its deadline and is being released, its action
   * running, when the user logs in again under the same key: track("s", {user: ada}).
   */
  private Farewell trackedAgainDuringTheOldRelease(int maximumPages) {
    Farewell node = node(TestRedis.uri(), maximumPages, true);
    node.signal(Signal.of(OPEN, "s", "old", 1));
    time.advance(Duration.ofSeconds(16));
    node.cleanUp();
    assertThat(running).as("the old session's release action runs").hasSize(1);
    node.track("s", Map.of("user", "ada"));
    return node;
  }

  /*
   * Track of a session past its deadline, not claimed yet, then a beat kept by a node cut off from
   * Redis revives it (written with force): the track was of that session, which is released once,
   * with the track's attributes (before: the mark stayed, and the release's acknowledgement started
   * a session no page used, released again under another id).
   */
  @Test
  void aSessionRevivedAfterATrackIsReleasedOnceWithTheTrackedAttributes() throws Exception {
    try (RedisProxy proxy = new RedisProxy(TestRedis.uri())) {
      Farewell a = node(TestRedis.uri(), 16, false);
      Farewell c = node(proxy.uri(), 16, false);
      a.signal(Signal.of(OPEN, "s", "page-one", 1)); // t = 0, deadline 15 s
      time.advance(Duration.ofSeconds(10));
      proxy.cut(); // C loses Redis; page-one's beat reaches C and is kept
      assertThat(c.signal(Signal.of(HEARTBEAT, "s", "page-one", 2)).status())
          .isEqualTo(Status.LIVE);
      time.advance(Duration.ofSeconds(6)); // t = 16 s: s is past its deadline, not yet claimed
      a.track("s", Map.of("user", "ada"));
      proxy.restore();
      c.cleanUp(); // C is back: holds the shard and writes the kept beat, which revives s
      assertThat(a.signal(Signal.of(OPEN, "s", "page-two", 1)).status()).isEqualTo(Status.LIVE);
      await().atMost(Duration.ofSeconds(10)).until(() -> !redis.exists(shard + ":hold"));
      for (int i = 0; i < 4; i++) { // every page stopped
        time.advance(Duration.ofSeconds(30));
        a.cleanUp();
      }

      assertReleased(tuple(ReleaseReason.TIMEOUT, Map.of("user", "ada")));
    }
  }

  /*
   * The same, with the page served by the track opening before the kept beat revives the session
   * (noted for the new session): the revived session takes that page, which keeps it alive.
   */
  @Test
  void aPageNotedForTheNewSessionBelongsToTheRevivedOne() throws Exception {
    try (RedisProxy proxy = new RedisProxy(TestRedis.uri())) {
      Farewell a = node(TestRedis.uri(), 16, false);
      Farewell c = node(proxy.uri(), 16, false);
      a.signal(Signal.of(OPEN, "s", "page-one", 1));
      time.advance(Duration.ofSeconds(10));
      proxy.cut();
      c.signal(Signal.of(HEARTBEAT, "s", "page-one", 2));
      time.advance(Duration.ofSeconds(6));
      a.track("s", Map.of("user", "ada"));
      assertThat(a.signal(Signal.of(OPEN, "s", "page-two", 1)).status()).isEqualTo(Status.LIVE);
      proxy.restore();
      c.cleanUp(); // revives s
      await().atMost(Duration.ofSeconds(10)).until(() -> !redis.exists(shard + ":hold"));
      for (int seq = 2; seq < 12; seq++) { // page-two beats for a minute, page-one stopped
        time.advance(Duration.ofSeconds(6));
        assertThat(a.signal(Signal.of(HEARTBEAT, "s", "page-two", seq)).status())
            .as("beat %d of page-two", seq).isEqualTo(Status.LIVE);
        a.cleanUp();
      }
      assertThat(released).as("released while page-two beats").isEmpty();
      for (int i = 0; i < 4; i++) {
        time.advance(Duration.ofSeconds(30));
        a.cleanUp();
      }

      assertReleased(tuple(ReleaseReason.TIMEOUT, Map.of("user", "ada")));
    }
  }

  /*
   * Pages of the new session noted while the old release runs obey the page limit (before: no
   * limit, and the acknowledgement failed unpacking thousands of them after its first writes,
   * leaving a session in neither due nor claimed, never released). A refused page still beats: the
   * new session starts alive at least for its timeout.
   */
  @Test
  void pagesNotedWhileTheOldReleaseRunsObeyThePageLimit() {
    Farewell node = trackedAgainDuringTheOldRelease(16);
    List<Status> answers = new ArrayList<>();
    for (int i = 0; i < 4_100; i++) { // a client holding the page token invents page ids
      answers.add(node.signal(Signal.of(OPEN, "s", "page-" + i, 1)).status());
    }
    assertThat(answers.subList(0, 16)).containsOnly(Status.LIVE);
    assertThat(answers.subList(16, answers.size())).containsOnly(Status.FULL);
    assertThat(redis.hlen(shard + ":s:s")).as("fields of the session's hash").isLessThan(40);
    time.advance(Duration.ofSeconds(10)); // t = 26 s
    assertThat(node.signal(Signal.of(HIDDEN, "s", "page-4099", 2)).status())
        .as("a refused page, hidden: it may beat for the hidden timeout (150 s)")
        .isEqualTo(Status.FULL);

    running.get(0).complete(null); // the old release's action ends: the new session starts
    node.cleanUp();
    time.advance(Duration.ofSeconds(140)); // t = 166 s: past the noted pages and the open timeout
    node.cleanUp();
    assertThat(released).as("released while the refused page may beat").hasSize(1);
    time.advance(Duration.ofSeconds(20));
    node.cleanUp();

    assertReleased(tuple(ReleaseReason.TIMEOUT, Map.of()),
        tuple(ReleaseReason.TIMEOUT, Map.of("user", "ada")));
    assertThat(redis.exists(shard + ":s:s")).as("the session's hash, after both releases")
        .isFalse();
  }

  /*
   * With a page limit of thousands, the acknowledgement starts the new session with every page
   * noted (none is lost to a Lua limit on the number of values one command takes).
   */
  @Test
  void theNewSessionStartsWithThousandsOfNotedPagesUnderAHighPageLimit() {
    Farewell node = trackedAgainDuringTheOldRelease(5_000);
    for (int i = 0; i < 4_100; i++) {
      node.signal(Signal.of(OPEN, "s", "page-" + i, 1));
    }

    running.get(0).complete(null);
    node.cleanUp();
    assertThat(redis.hkeys(shard + ":s:s").stream().filter(f -> f.startsWith("p:")))
        .as("pages of the new session").hasSize(4_100);
    time.advance(Duration.ofMinutes(10));
    node.cleanUp();

    assertReleased(tuple(ReleaseReason.TIMEOUT, Map.of()),
        tuple(ReleaseReason.TIMEOUT, Map.of("user", "ada")));
  }

  /*
   * A logout of the session tracked again while the old release runs is made, once, with the new
   * login's attributes, and the new page learns it (before: release() found the old release
   * decided and answered false, and the new session lived on).
   */
  @Test
  void aLogoutOfTheSessionTrackedAgainWhileTheOldReleaseRunsIsMade() {
    Farewell node = trackedAgainDuringTheOldRelease(16);
    assertThat(node.signal(Signal.of(OPEN, "s", "page-new", 1)).status()).isEqualTo(Status.LIVE);

    assertThat(node.release("s")).as("the logout").isTrue();
    assertThat(node.signal(Signal.of(HEARTBEAT, "s", "page-new", 2)).status())
        .as("the new page, after the logout").isEqualTo(Status.RELEASED);
    running.get(0).complete(null);
    node.cleanUp(); // acknowledges the old release: the new session starts decided
    node.cleanUp(); // a sweep takes the decided release
    time.advance(Duration.ofSeconds(5));

    assertReleased(tuple(ReleaseReason.TIMEOUT, Map.of()),
        tuple(ReleaseReason.EXPLICIT, Map.of("user", "ada")));
    assertThat(node.signal(Signal.of(HEARTBEAT, "s", "page-new", 3)).status())
        .isEqualTo(Status.RELEASED);
  }

  /* The same logout while the old session is due and not claimed yet. */
  @Test
  void aLogoutOfTheSessionTrackedAgainBeforeTheOldReleaseIsDecidedIsMade() {
    Farewell node = node(TestRedis.uri(), 16, true);
    node.signal(Signal.of(OPEN, "s", "old", 1));
    time.advance(Duration.ofSeconds(16));
    node.track("s", Map.of("user", "ada"));

    assertThat(node.release("s")).as("the logout").isTrue();
    node.cleanUp(); // decides the old release
    running.get(0).complete(null);
    node.cleanUp();
    node.cleanUp();

    assertReleased(tuple(ReleaseReason.TIMEOUT, Map.of()),
        tuple(ReleaseReason.EXPLICIT, Map.of("user", "ada")));
  }

  /*
   * A login after that logout, still during the old release: the logout is made with the second
   * login's attributes, then the third login lives on and is released by its own deadline.
   */
  @Test
  void aLoginAfterThatLogoutIsASessionOfItsOwn() {
    Farewell node = trackedAgainDuringTheOldRelease(16);
    assertThat(node.release("s")).isTrue();
    node.track("s", Map.of("user", "bob"));

    running.get(0).complete(null);
    node.cleanUp();
    node.cleanUp(); // the logout's release; its acknowledgement starts bob's session
    assertThat(node.signal(Signal.of(OPEN, "s", "page-bob", 1)).status()).isEqualTo(Status.LIVE);
    time.advance(Duration.ofMinutes(1));
    node.cleanUp();

    assertReleased(tuple(ReleaseReason.TIMEOUT, Map.of()),
        tuple(ReleaseReason.EXPLICIT, Map.of("user", "ada")),
        tuple(ReleaseReason.TIMEOUT, Map.of("user", "bob")));
  }
}
