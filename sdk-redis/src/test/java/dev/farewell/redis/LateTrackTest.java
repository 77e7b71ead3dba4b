package dev.farewell.redis;

import static dev.farewell.SignalType.EXIT;
import static dev.farewell.SignalType.OPEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalResult.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Review probes: a track kept while Redis could not serve this node, written late (writeTrack with
 * its age), compared with what the same track would have done had Redis answered at once.
 */
class LateTrackTest {

  private final String prefix = TestRedis.uniquePrefix();
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
        .openTimeout(Duration.ofSeconds(30))
        .exitGrace(Duration.ofSeconds(3))
        .releaseAction(release -> {
          released.add(release);
          return CompletableFuture.completedFuture(null);
        })
        .store(store)
        .build();
  }

  /*
   * The application logs the user out (release, EXPLICIT), then, a second later, logs the user in
   * again under the same key on a node that cannot reach Redis at that moment: the track is kept
   * and written when Redis is back, 1 ms old. It was asked after the release, so it is a new
   * session (tracked at once, it would start one); the late track is answered RELEASED because a
   * tombstone exists, whatever its age: the new session never reaches Redis and is never released.
   */
  @Test
  void aLateTrackAskedAfterTheReleaseStartsTheNewSession() {
    node();
    farewell.track("s", Map.of("user", "ada"));
    farewell.signal(Signal.of(OPEN, "s", "p", 1));
    assertThat(farewell.release("s")).isTrue();
    farewell.cleanUp();
    assertThat(released).extracting(Release::reason).containsExactly(ReleaseReason.EXPLICIT);
    String tombs = store.keys.shardOf("s").tombReasons();
    assertThat(redis.hget(tombs, "s")).as("tombstone of the first session").isNotNull();

    time.advance(Duration.ofSeconds(1));
    // Asked 1 ms ago, 1 s after the release was acknowledged.
    SignalResult late = store.writeTrack("s", Map.of("user", "ada"), 1);

    assertThat(late.status()).as("a track asked after the release").isEqualTo(Status.LIVE);
    assertThat(redis.exists(store.keys.shardOf("s").session("s")))
        .as("the new session is in Redis").isTrue();
  }

  /*
   * The page exits (exit grace 3 s); 1 s later the application serves the next page (a track,
   * kept while Redis could not serve this node), which cancels the exit grace and awaits the new
   * page for the open timeout (30 s). Redis is back 5 s after the exit, the shard held for
   * recovery (deadlines may be stale). The late track, asked while the session was alive, is
   * answered RELEASED because the session's deadline passed since: the new page's session is
   * released as EXIT 4 s after it was served instead of being awaited for 30 s.
   */
  @Test
  void aLateTrackAskedWhileTheSessionLivedStillCancelsTheExitGrace() {
    node();
    farewell.track("s", Map.of("user", "ada"));
    farewell.signal(Signal.of(OPEN, "s", "p", 1));
    farewell.signal(Signal.of(EXIT, "s", "p", 2));
    time.advance(Duration.ofSeconds(5));
    redis.psetex(store.keys.shardOf("s").hold(), 60_000, "recovery");
    // Asked 4 s ago: 1 s after the exit, within its grace.
    SignalResult late = store.writeTrack("s", Map.of(), 4_000);

    assertThat(late.status()).as("a track asked while the session lived").isEqualTo(Status.LIVE);
    Double due = redis.zscore(store.keys.shardOf("s").due(), "s");
    assertThat(due).as("awaited for the open timeout from the track").isNotNull();
    assertThat(due.longValue()).isGreaterThan(time.millis());
  }
}
