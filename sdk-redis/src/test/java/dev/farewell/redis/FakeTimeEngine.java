package dev.farewell.redis;

import dev.farewell.Farewell;
import dev.farewell.Release;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * An engine on a Redis store of the test's prefix that runs on the test's time ({@link FakeTime})
 * and sweeps only when the test calls {@link Farewell#cleanUp()}; its releases go to a list.
 */
final class FakeTimeEngine {

  private FakeTimeEngine() {}

  /** A store builder of the prefix that does not sweep on its own. */
  static RedisSessionStore.Builder store(String prefix) {
    return RedisSessionStore.newBuilder()
        .redisUri(TestRedis.uri())
        .keyPrefix(prefix)
        .sweepInterval(Duration.ofHours(1)) // the test sweeps
        .closeTimeout(Duration.ofMillis(50));
  }

  /** An engine on {@code store} and {@code time} whose release action adds to {@code released}. */
  static Farewell engine(FakeTime time, RedisSessionStore store, List<Release> released) {
    return builder(time, store)
        .releaseAction(release -> {
          released.add(release);
          return CompletableFuture.completedFuture(null);
        })
        .build();
  }

  /** An engine builder on {@code store} and {@code time} that runs actions on the caller's thread. */
  static Farewell.Builder builder(FakeTime time, RedisSessionStore store) {
    return Farewell.newBuilder()
        .ticker(time)
        .releaseExecutor(Runnable::run)
        .shutdownTimeout(Duration.ofMillis(100))
        .store(store);
  }

  /** The keys of the prefix in Redis, but its clock (the test's time). */
  static List<String> keys(RedisClient redis, String prefix) {
    List<String> keys = new ArrayList<>();
    ScanParams match = new ScanParams().match("{" + prefix + ":*").count(100);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = redis.scan(cursor, match);
      cursor = page.getCursor();
      for (String key : page.getResult()) {
        if (!key.endsWith("}:clock")) {
          keys.add(key);
        }
      }
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return keys;
  }
}
