package dev.farewell.redis;

import dev.farewell.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.RedisClient;

/**
 * A ticker tests advance, and the same time as epoch millis for the scripts: the test class
 * path's {@code clock.lua} reads it from the key {@code {prefix:shard}:clock} that this writes for
 * each shard of the prefix.
 */
final class FakeTime implements Ticker, AutoCloseable {
  private static final int SHARDS = 16;

  private final long baseMillis = System.currentTimeMillis();
  private final AtomicLong nanos = new AtomicLong();
  private final String prefix;
  private final RedisClient redis = RedisClient.create(TestRedis.uri());

  FakeTime(String prefix) {
    this.prefix = prefix;
    publish();
  }

  @Override
  public long read() {
    return nanos.get();
  }

  long millis() {
    return baseMillis + nanos.get() / 1_000_000;
  }

  void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
    publish();
  }

  private void publish() {
    String now = Long.toString(millis());
    for (int shard = 0; shard < SHARDS; shard++) {
      redis.setex("{" + prefix + ":" + shard + "}:clock", 3600, now);
    }
  }

  @Override
  public void close() {
    redis.close();
  }
}
