package dev.farewell.sample;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.net.URI;
import redis.clients.jedis.RedisClient;

/**
 * The rule for tests that need Redis: {@code REDIS_URL}, else {@code redis://127.0.0.1:6379}; they
 * skip with a clear message when it does not answer, unless {@code FAREWELL_REQUIRE_REDIS=1}, in
 * which case they fail.
 */
final class RedisSupport {

  private RedisSupport() {}

  static URI redisOrSkip() {
    String configured = System.getenv("REDIS_URL");
    URI uri =
        URI.create(
            configured == null || configured.isBlank() ? "redis://127.0.0.1:6379" : configured);
    int port = uri.getPort() == -1 ? 6379 : uri.getPort();
    uri = URI.create("redis://" + uri.getHost() + ":" + port);
    try (RedisClient redis = RedisClient.create(uri)) {
      redis.ping();
      return uri;
    } catch (RuntimeException e) {
      String message = "No Redis answers at " + uri + " (set REDIS_URL): " + e.getMessage();
      if ("1".equals(System.getenv("FAREWELL_REQUIRE_REDIS"))) {
        fail(message + " (FAREWELL_REQUIRE_REDIS=1 makes this a failure)");
      }
      abort(message + "; skipping the Redis test");
      throw new AssertionError("unreachable");
    }
  }

  /** Deletes the keys of one test's group (never anything else: the server is shared). */
  static void deleteGroup(URI uri, String group) {
    try (RedisClient redis = RedisClient.create(uri)) {
      for (String key : redis.keys(group + ":*")) {
        redis.del(key);
      }
      for (String key : redis.keys("{" + group + "}*")) {
        redis.del(key);
      }
    } catch (RuntimeException e) {
      // Leftover keys of a unique group harm no one.
    }
  }
}
