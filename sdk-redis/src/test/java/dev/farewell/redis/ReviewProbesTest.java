package dev.farewell.redis;

import static dev.farewell.SignalType.HEARTBEAT;
import static dev.farewell.SignalType.OPEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.Signal;
import dev.farewell.SignalResult.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.RestoreParams;

/** Adversarial review probes of the crash-safety work (issue 14). Each fails on the snapshot. */
class ReviewProbesTest {

  private final String prefix = TestRedis.uniquePrefix();
  /** For the tests on Redis's own clock: the fake time below publishes a clock for prefix only. */
  private final String realTimePrefix = TestRedis.uniquePrefix();
  private final FakeTime time = new FakeTime(prefix);
  private final RedisClient redis = RedisClient.create(TestRedis.uri());
  private final List<Release> released = new CopyOnWriteArrayList<>();
  private Farewell farewell;
  private RedisSessionStore store;

  @AfterEach
  void close() {
    if (farewell != null) {
      farewell.close();
    }
    redis.close();
    time.close();
  }

  private void node() {
    store = RedisSessionStore.newBuilder()
        .redisUri(TestRedis.uri())
        .keyPrefix(prefix)
        .sweepInterval(Duration.ofHours(1))
        .coalesceHeartbeats(false)
        .closeTimeout(Duration.ofMillis(50))
        .build();
    farewell = Farewell.newBuilder()
        .ticker(time)
        .releaseExecutor(Runnable::run)
        .shutdownTimeout(Duration.ofMillis(100))
        .releaseAction(release -> {
          released.add(release);
          return CompletableFuture.completedFuture(null);
        })
        .store(store)
        .build();
  }

  /*
   * DEFECT: the per-shard epoch key is written once, when the shard is first swept, and is part of
   * every snapshot and every replica. Redis restarting from an older RDB snapshot (or failing over
   * to a replica that lagged) rolls the sessions' deadlines back while the epoch stays the same,
   * so the loss is not detected: no hold, no ERROR, dataLossesDetected() stays 0. A page that kept
   * beating the whole time has its newest beats rolled back, is answered RELEASED at its next beat
   * and its session is released by TIMEOUT: a false release (docs/multi-node.md only admits a
   * "release decided again (two ids)" for a lagging replica and says nothing of a snapshot).
   * Simulated here by DUMP/RESTORE of the session's keys, exactly what a restart from an RDB taken
   * at that moment does to them.
   */
  @Test
  void aBeatingSessionIsNotReleasedWhenRedisComesBackFromAnOlderSnapshot() {
    node();
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    farewell.cleanUp(); // the node sweeps once: the shard's epoch is set and known
    String session = "{" + prefix + ":0}:s:s";
    String due = "{" + prefix + ":0}:due";
    byte[] sessionSnapshot = redis.dump(session);
    byte[] dueSnapshot = redis.dump(due);

    time.advance(Duration.ofSeconds(10));
    assertThat(farewell.signal(Signal.of(HEARTBEAT, "s", "a", 2)).status()).isEqualTo(Status.LIVE);

    // Redis restarts from the snapshot taken before the last beat (epoch key unchanged).
    redis.restore(session, 0, sessionSnapshot, RestoreParams.restoreParams().replace());
    redis.restore(due, 0, dueSnapshot, RestoreParams.restoreParams().replace());

    time.advance(Duration.ofSeconds(7)); // 17 s after OPEN, 7 s after the last beat
    Status beat = farewell.signal(Signal.of(HEARTBEAT, "s", "a", 3)).status();
    farewell.cleanUp();

    assertThat(released).as("releases of a page that beat every 10 s").isEmpty();
    assertThat(beat).isEqualTo(Status.LIVE);
  }

  /*
   * The same defect with real processes: Redis with RDB snapshots (RedisServer: --save 3600 1, the
   * usual production setting) dies without saving and is started again with its data, as after a
   * kill -9, a crash or an OOM kill. The snapshot is older than the page's last beats and holds the
   * same epoch, so nothing detects that the deadlines went back in time. The page beats every
   * second against a 3 s timeout without a pause, yet its session is released by TIMEOUT (and its
   * next beats are told RELEASED). The suite never catches this because RedisOutageTest stops
   * Redis with SIGTERM, which saves first; the issue asked for kill -9.
   */
  @Test
  void aPageBeatingThroughARedisKillAndRestartFromItsSnapshotIsNotReleased() throws Exception {
    try (RedisServer server = RedisServer.start();
        RedisClient admin = RedisClient.create(server.uri())) {
      RedisSessionStore own = RedisSessionStore.newBuilder()
          .redisUri(server.uri())
          .keyPrefix(prefix)
          .sweepInterval(Duration.ofMillis(100))
          .recoveryGrace(Duration.ofMillis(1_500))
          .coalesceHeartbeats(false)
          .closeTimeout(Duration.ofMillis(50))
          .build();
      try (Farewell node = Farewell.newBuilder()
          .heartbeatInterval(Duration.ofSeconds(1))
          .heartbeatTimeout(Duration.ofSeconds(3))
          .releaseAction(release -> {
            released.add(release);
            return CompletableFuture.completedFuture(null);
          })
          .store(own)
          .build()) {
        List<Status> answers = new CopyOnWriteArrayList<>();
        node.signal(Signal.of(OPEN, "p", "a", 1));
        Thread.sleep(300);
        admin.sendCommand(Protocol.Command.SAVE);
        int seq = 2;
        for (; seq <= 5; seq++) {
          Thread.sleep(1_000);
          answers.add(node.signal(Signal.of(HEARTBEAT, "p", "a", seq)).status());
        }
        // Redis is killed (kill -9: no save) and comes back at once with its last snapshot.
        server.kill();
        server.startAgain();
        for (; seq <= 12; seq++) {
          Thread.sleep(1_000);
          answers.add(node.signal(Signal.of(HEARTBEAT, "p", "a", seq)).status());
        }
        assertThat(released).as("releases of a page that beat every second").isEmpty();
        assertThat(answers).as("answers to the page's beats").containsOnly(Status.LIVE);
      }
    }
  }

  private Farewell sweepingNode(java.net.URI uri, List<Release> sink) {
    RedisSessionStore built = RedisSessionStore.newBuilder()
        .redisUri(uri)
        .keyPrefix(realTimePrefix)
        .sweepInterval(Duration.ofMillis(100))
        .recoveryGrace(Duration.ofMillis(500))
        .partitionGrace(Duration.ofMillis(500))
        .coalesceHeartbeats(false)
        .closeTimeout(Duration.ofMillis(200))
        .build();
    return Farewell.newBuilder()
        .heartbeatInterval(Duration.ofSeconds(1))
        .heartbeatTimeout(Duration.ofSeconds(3))
        .onRelease(sink::add)
        .store(built)
        .build();
  }

  /*
   * DEFECT: RedisSessionStore.close() while Redis cannot serve the node drops the releases it kept
   * (offlineReleases) without a word: release() already answered true to the application (a
   * logout during a Redis failover), the node is then stopped (a deploy), and the release exists
   * nowhere else. With the page beating to another node, the session is never released: a lost
   * release. Only the unwritten signals get a WARN at close; the kept releases and tracks are not
   * even mentioned.
   */
  @Test
  void aReleaseAnsweredTrueWhileRedisWasAwayIsMadeWhenRedisReturnsDuringClose() throws Exception {
    List<Release> releasedByOther = new CopyOnWriteArrayList<>();
    try (RedisProxy proxy = new RedisProxy(TestRedis.uri());
        Farewell other = sweepingNode(TestRedis.uri(), releasedByOther)) {
      Farewell cut = closingNode(proxy.uri(), released);
      assertThat(other.signal(Signal.of(OPEN, "s", "p", 1)).status()).isEqualTo(Status.LIVE);
      assertThat(cut.signal(Signal.of(HEARTBEAT, "s", "p", 2)).status()).isEqualTo(Status.LIVE);
      proxy.cut();
      assertThat(cut.release("s")).as("the logout, answered while Redis is away").isTrue();
      // The node is stopped (a deploy) while Redis is still away; Redis is back half a second
      // into the close, well within its close timeout.
      Thread restorer = new Thread(() -> {
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        proxy.restore();
      });
      restorer.start();
      cut.close();
      restorer.join();
      for (int seq = 3; seq <= 5; seq++) {
        Thread.sleep(1_000);
        other.signal(Signal.of(HEARTBEAT, "s", "p", seq));
      }
      List<Release> all = new java.util.ArrayList<>(released);
      all.addAll(releasedByOther);
      assertThat(all).as("the release answered true by the closed node, made once")
          .extracting(Release::sessionKey, Release::reason)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("s", dev.farewell.ReleaseReason.EXPLICIT));
    }
  }

  private Farewell closingNode(java.net.URI uri, List<Release> sink) {
    RedisSessionStore built = RedisSessionStore.newBuilder()
        .redisUri(uri)
        .keyPrefix(realTimePrefix)
        .sweepInterval(Duration.ofMillis(100))
        .recoveryGrace(Duration.ofMillis(500))
        .partitionGrace(Duration.ofMillis(500))
        .coalesceHeartbeats(false)
        .closeTimeout(Duration.ofSeconds(3))
        .build();
    return Farewell.newBuilder()
        .heartbeatInterval(Duration.ofSeconds(1))
        .heartbeatTimeout(Duration.ofSeconds(3))
        .shutdownTimeout(Duration.ofSeconds(4))
        .onRelease(sink::add)
        .store(built)
        .build();
  }

  private Farewell recoveringNode(java.net.URI uri, List<Release> sink) {
    RedisSessionStore built = RedisSessionStore.newBuilder()
        .redisUri(uri)
        .keyPrefix(realTimePrefix)
        .sweepInterval(Duration.ofMillis(100))
        .recoveryGrace(Duration.ofSeconds(5))
        .partitionGrace(Duration.ofMillis(500))
        .coalesceHeartbeats(false)
        .closeTimeout(Duration.ofMillis(200))
        .build();
    return Farewell.newBuilder()
        .heartbeatInterval(Duration.ofSeconds(1))
        .heartbeatTimeout(Duration.ofSeconds(3))
        .onRelease(sink::add)
        .store(built)
        .build();
  }

  /*
   * DEFECT: docs/multi-node.md says a node back from an outage "decides no new releases itself
   * until recoveryGrace has passed (takeovers go on)", but Sweeper.takeOverOnly() (Sweeper.java:160)
   * is just sweepAll(): claim.lua decides every due session of every shard that is not held. After
   * a Redis outage longer than partitionGrace (a slow restart), the first node to reconnect holds
   * only the shards of ITS unwritten signals; a node with nothing unwritten holds nothing and at
   * once releases every session whose deadline passed during the outage, before the nodes that
   * kept those pages' beats reconnect (a sweep interval later) and write them: a mass false
   * release of beating sessions when Redis returns.
   */
  @Test
  void aNodeBackFromAnOutageDecidesNoNewReleaseDuringItsRecoveryGrace() throws Exception {
    List<Release> byA = new CopyOnWriteArrayList<>();
    List<Release> byB = new CopyOnWriteArrayList<>();
    try (RedisProxy toA = new RedisProxy(TestRedis.uri());
        RedisProxy toB = new RedisProxy(TestRedis.uri());
        Farewell a = recoveringNode(toA.uri(), byA);
        Farewell b = recoveringNode(toB.uri(), byB)) {
      assertThat(b.signal(Signal.of(OPEN, "s", "p", 1)).status()).isEqualTo(Status.LIVE);
      Thread.sleep(300);
      toA.cut();
      toB.cut(); // Redis is away for every node
      int seq = 2;
      for (; seq <= 6; seq++) {
        Thread.sleep(1_000);
        assertThat(b.signal(Signal.of(HEARTBEAT, "s", "p", seq)).status()).isEqualTo(Status.LIVE);
      }
      toA.restore(); // node A reconnects first; it kept nothing
      Thread.sleep(1_000);
      toB.restore(); // node B, which kept the page's beats, a second later
      for (; seq <= 9; seq++) {
        Thread.sleep(1_000);
        b.signal(Signal.of(HEARTBEAT, "s", "p", seq));
      }
      assertThat(byA).as("released by the node that came back first, during its recovery grace")
          .isEmpty();
      assertThat(byB).isEmpty();
    }
  }

  /*
   * DEFECT (issue 14, path 9, not fixed, and RedisTroubleTest#whatANodeKeepsWhileRedisCannotServeIsBounded
   * asserts the wrong answer): while Redis cannot serve the node, RedisSessionStore.release()
   * answers true for any key, never tracked or released already, and answers true again to the
   * same call repeated (RedisSessionStore.java:258-276), whereas Farewell.release promises "true
   * if this call released it; false if it was not live (unknown or already released)". An
   * application that acts on the answer (audits a logout, revokes tokens once) is told that a
   * session that never existed was released, and that one session was released twice.
   */
  @Test
  void whileRedisIsAwayReleaseDoesNotAnswerTrueForAnUnknownKeyNorTwiceForOneSession()
      throws Exception {
    List<Release> sink = new CopyOnWriteArrayList<>();
    try (RedisProxy proxy = new RedisProxy(TestRedis.uri());
        Farewell node = sweepingNode(proxy.uri(), sink)) {
      assertThat(node.signal(Signal.of(OPEN, "s", "p", 1)).status()).isEqualTo(Status.LIVE);
      proxy.cut();
      boolean first = node.release("s");
      boolean again = node.release("s");
      boolean unknown = node.release("never-tracked");
      assertThat(first).isTrue();
      assertThat(again).as("the same session released a second time").isFalse();
      assertThat(unknown).as("a key no node ever tracked").isFalse();
    }
  }

  private Farewell leasedNode(Duration sweepInterval, List<Release> starts) {
    RedisSessionStore built = RedisSessionStore.newBuilder()
        .redisUri(TestRedis.uri())
        .keyPrefix(realTimePrefix)
        .sweepInterval(sweepInterval)
        .claimLease(Duration.ofSeconds(1))
        .closeTimeout(Duration.ofMillis(100))
        .build();
    return Farewell.newBuilder()
        .heartbeatInterval(Duration.ofSeconds(1))
        .heartbeatTimeout(Duration.ofSeconds(3))
        .shutdownTimeout(Duration.ofMillis(100))
        .releaseAction(release -> {
          starts.add(release);
          return new CompletableFuture<Void>(); // a slow action: still running at the end
        })
        .store(built)
        .build();
  }

  /*
   * DEFECT: a node renews its leases only from its sweeper's tick (Sweeper.actOnHeld,
   * Sweeper.java:110-124), and the builder accepts a sweepInterval as long as, or longer than,
   * the claimLease (RedisSessionStore.Builder, no check between the two). docs/multi-node.md says
   * the node renews "every third of a lease" while the actions run and that a second run happens
   * only after a node died, lost a reply or stalled; here a healthy node's lease runs out between
   * two of its ticks and another node takes the release over and runs its actions while the first
   * still runs them. Either reject sweepInterval > claimLease / 3 or renew on a timer of its own.
   */
  @Test
  void aHealthyNodeRunningASlowActionKeepsItsReleaseWhateverItsSweepInterval() throws Exception {
    List<Release> onA = new CopyOnWriteArrayList<>();
    List<Release> onB = new CopyOnWriteArrayList<>();
    try (Farewell a = leasedNode(Duration.ofMillis(1_500), onA)) {
      a.signal(Signal.of(OPEN, "s", "p", 1));
      long until = System.currentTimeMillis() + 10_000;
      while (onA.isEmpty() && System.currentTimeMillis() < until) {
        Thread.sleep(50);
      }
      assertThat(onA).as("node A decided the release and runs its slow action").hasSize(1);
      try (Farewell b = leasedNode(Duration.ofMillis(100), onB)) {
        Thread.sleep(4_000); // node A stays alive and healthy throughout
        assertThat(onB).as("node B took over a release node A still runs").isEmpty();
      }
    }
  }

  /*
   * DEFECT: a release now stays decided ("cl" set) for as long as its actions run, retries
   * included (minutes with a retry policy), instead of the few milliseconds before the old ack.
   * track.lua lets the application start a new session under the key meanwhile ("rt": the ack
   * starts it), but signal.lua:19 answers RELEASED to every signal of a decided session, so the
   * OPEN of the new session's page is told RELEASED and the snippet stops: once the ack creates the
   * new session, its page no longer beats and it is released by TIMEOUT while the page is open.
   */
  @Test
  void aPageOfASessionTrackedAgainWhileTheOldReleaseRunsIsToldLive() {
    List<CompletableFuture<Void>> running = new CopyOnWriteArrayList<>();
    store = RedisSessionStore.newBuilder()
        .redisUri(TestRedis.uri())
        .keyPrefix(prefix)
        .sweepInterval(Duration.ofHours(1))
        .closeTimeout(Duration.ofMillis(50))
        .build();
    farewell = Farewell.newBuilder()
        .ticker(time)
        .releaseExecutor(Runnable::run)
        .shutdownTimeout(Duration.ofMillis(100))
        .releaseAction(release -> {
          released.add(release);
          CompletableFuture<Void> done = new CompletableFuture<>();
          running.add(done);
          return done;
        })
        .store(store)
        .build();
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    time.advance(Duration.ofSeconds(16));
    farewell.cleanUp(); // the old session's release is decided; its action runs (a slow webhook)
    assertThat(released).hasSize(1);

    // The application serves a new page under the same key (track.lua: "rt"), and it opens.
    farewell.track("s", java.util.Map.of("user", "ada"));
    Status opened = farewell.signal(Signal.of(OPEN, "s", "b", 1)).status();

    assertThat(opened).as("the new page's OPEN while the old release's action still runs")
        .isEqualTo(Status.LIVE);
  }
}
