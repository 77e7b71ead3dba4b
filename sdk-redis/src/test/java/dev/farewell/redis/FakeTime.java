package dev.farewell.redis;

import dev.farewell.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker tests advance, and the same time as epoch millis for the scripts' clock. */
final class FakeTime implements Ticker {
  private final long baseMillis = System.currentTimeMillis();
  private final AtomicLong nanos = new AtomicLong();

  @Override
  public long read() {
    return nanos.get();
  }

  long millis() {
    return baseMillis + nanos.get() / 1_000_000;
  }

  void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }
}
