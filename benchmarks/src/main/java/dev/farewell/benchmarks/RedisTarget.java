package dev.farewell.benchmarks;

import java.net.URI;
import redis.clients.jedis.Jedis;

/** Where the Redis figure finds its Redis: {@code REDIS_URL}, else 127.0.0.1:6379. */
record RedisTarget(String host, int port) {

  static RedisTarget fromEnvironment() {
    String url = System.getenv("REDIS_URL");
    if (url == null || url.isBlank()) {
      return new RedisTarget("127.0.0.1", 6379);
    }
    URI uri = URI.create(url);
    return new RedisTarget(uri.getHost(), (uri.getPort() < 0) ? 6379 : uri.getPort());
  }

  /** Throws {@link Figure.Skipped} if no Redis answers there. */
  void check() throws Figure.Skipped {
    try (Jedis jedis = connect()) {
      jedis.ping();
    } catch (RuntimeException e) {
      throw new Figure.Skipped("no Redis at " + this + " (" + e.getMessage() + ")");
    }
  }

  Jedis connect() {
    return new Jedis(host, port, 2000);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
