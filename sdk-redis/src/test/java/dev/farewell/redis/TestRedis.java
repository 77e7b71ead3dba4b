package dev.farewell.redis;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.UUID;
import redis.clients.jedis.RedisClient;

/**
 * Finds a Redis for the tests: {@code REDIS_URL}, else 127.0.0.1:6379 (shared: every test uses a
 * prefix of its own and never flushes), else a {@code redis-server} from the PATH started on a
 * free port. Skips when none works, or fails when {@code FAREWELL_REQUIRE_REDIS=1}.
 */
final class TestRedis {

  private static URI uri;
  private static String problem;

  private TestRedis() {}

  static synchronized URI uri() {
    if (uri == null && problem == null) {
      find();
    }
    if (uri == null) {
      skipOrFail("No Redis for the Redis store tests: " + problem);
    }
    return uri;
  }

  /** Skips the test with {@code message}, or fails it when FAREWELL_REQUIRE_REDIS=1. */
  static void skipOrFail(String message) {
    if ("1".equals(System.getenv("FAREWELL_REQUIRE_REDIS"))) {
      fail(message + " (FAREWELL_REQUIRE_REDIS=1)");
    }
    assumeTrue(false, message);
  }

  static String uniquePrefix() {
    return "test-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void find() {
    String env = System.getenv("REDIS_URL");
    if (env != null && !env.isBlank()) {
      if (answers(URI.create(env))) {
        uri = URI.create(env);
        return;
      }
      problem = "REDIS_URL=" + env + " does not answer";
      return;
    }
    URI local = URI.create("redis://127.0.0.1:6379");
    if (answers(local)) {
      uri = local;
      return;
    }
    try {
      RedisServer server = RedisServer.start();
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      uri = server.uri();
    } catch (IOException | RuntimeException e) {
      problem = "nothing at 127.0.0.1:6379 and redis-server could not be started: " + e;
    }
  }

  static boolean answers(URI candidate) {
    try (RedisClient client = RedisClient.create(candidate)) {
      return "PONG".equals(client.ping());
    } catch (RuntimeException e) {
      return false;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
