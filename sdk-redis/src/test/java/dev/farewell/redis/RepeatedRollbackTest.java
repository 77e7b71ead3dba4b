package dev.farewell.redis;

import static dev.farewell.SignalType.HEARTBEAT;
import static dev.farewell.SignalType.OPEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.Signal;
import dev.farewell.SignalResult.Status;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.RestoreParams;

/**
 * Redis goes back in time twice in a row: first to an old copy A, then, shortly after, to a copy B
 * of the first timeline taken after A but before the page's last beats (a failover to a replica
 * lagging 10 s, which dies in turn, and a second replica, lagging less and not resynced, promoted).
 * The page beats every 5 s all along: whether its next beat or a sweep meets the second fall
 * first, the session is not released.
 */
class RepeatedRollbackTest {

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
    for (String key : keys()) {
      redis.del(key);
    }
    redis.close();
    time.close();
  }

  @ParameterizedTest(name = "a sweep meets the second fall before the beat: {0}")
  @ValueSource(booleans = {false, true})
  void aSecondRollbackShortlyAfterTheFirstReleasesNoBeatingPage(boolean sweepFirst) {
    store = FakeTimeEngine.store(prefix)
        .recoveryGrace(Duration.ofMillis(200))
        .coalesceHeartbeats(false)
        .build();
    farewell = FakeTimeEngine.engine(time, store, released);

    // t = 0
    assertThat(farewell.signal(Signal.of(OPEN, "s", "a", 1)).status()).isEqualTo(Status.LIVE);
    farewell.cleanUp(); // the epoch is known
    Map<String, byte[]> snapshotA = snapshot();
    for (int i = 0; i < 10; i++) { // other sessions write: the shard's counter grows
      farewell.signal(Signal.of(OPEN, "other" + i, "p", 1));
    }
    Map<String, byte[]> snapshotB = snapshot();
    time.advance(Duration.ofSeconds(5));
    assertThat(farewell.signal(Signal.of(HEARTBEAT, "s", "a", 2)).status()).isEqualTo(Status.LIVE);
    time.advance(Duration.ofSeconds(5)); // t = 10 s
    assertThat(farewell.signal(Signal.of(HEARTBEAT, "s", "a", 3)).status()).isEqualTo(Status.LIVE);
    farewell.cleanUp();

    restore(snapshotA); // fall 1
    farewell.cleanUp(); // found: the shard held
    assertThat(store.health().dataLossesDetected()).isEqualTo(1);
    restore(snapshotB); // fall 2, at once (its data has no hold: it is of the first timeline)

    time.advance(Duration.ofMillis(5_500)); // t = 15.5 s: the page's next beat, on time
    if (sweepFirst) {
      farewell.cleanUp();
    }
    Status beat = farewell.signal(Signal.of(HEARTBEAT, "s", "a", 4)).status();
    farewell.cleanUp();

    assertThat(store.health().dataLossesDetected()).as("losses found").isGreaterThan(1);
    assertThat(beat).as("the answer to a beat on time").isEqualTo(Status.LIVE);
    assertThat(released).as("releases of s, whose page beat every 5 s (the others stopped)")
        .filteredOn(release -> release.sessionKey().equals("s")).isEmpty();
  }

  private List<String> keys() {
    return FakeTimeEngine.keys(redis, prefix);
  }

  private Map<String, byte[]> snapshot() {
    Map<String, byte[]> dump = new HashMap<>();
    for (String key : keys()) {
      dump.put(key, redis.dump(key));
    }
    return dump;
  }

  private void restore(Map<String, byte[]> snapshot) {
    for (String key : keys()) {
      redis.del(key);
    }
    for (Map.Entry<String, byte[]> key : snapshot.entrySet()) {
      redis.restore(key.getKey(), 0, key.getValue(), RestoreParams.restoreParams().replace());
    }
  }
}
