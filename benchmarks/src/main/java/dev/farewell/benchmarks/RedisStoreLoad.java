package dev.farewell.benchmarks;

import java.time.Duration;

/** Drives one engine node on the Redis store with the signal mix; returns signals per second. */
final class RedisStoreLoad {

  private RedisStoreLoad() {}

  static double run(RedisTarget redis, String prefix, int sessions, int threads, Duration duration) {
    throw new IllegalStateException("the Redis store is not in this build yet");
  }
}
