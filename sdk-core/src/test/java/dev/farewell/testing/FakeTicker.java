package dev.farewell.testing;

import static java.util.Objects.requireNonNull;

import dev.farewell.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that stands still until a test advances it. Thread-safe.
 *
 * <pre>{@code
 * FakeTicker ticker = new FakeTicker();
 * Farewell farewell = Farewell.newBuilder().ticker(ticker).build();
 * ticker.advance(Duration.ofSeconds(16));
 * farewell.cleanUp();
 * }</pre>
 */
public final class FakeTicker implements Ticker {

  private final AtomicLong nanos;

  /** Starts at zero. */
  public FakeTicker() {
    this(0);
  }

  /** Starts at {@code startNanos} (tests of wrap-around pass values near {@code Long.MAX_VALUE}). */
  public FakeTicker(long startNanos) {
    this.nanos = new AtomicLong(startNanos);
  }

  @Override
  public long read() {
    return nanos.get();
  }

  /**
   * Moves time forward by {@code duration}.
   *
   * @return this ticker
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public FakeTicker advance(Duration duration) {
    requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("time cannot go back, was " + duration);
    }
    nanos.addAndGet(duration.toNanos());
    return this;
  }

  /** Moves time forward by {@code millis} milliseconds. */
  public FakeTicker advanceMillis(long millis) {
    return advance(Duration.ofMillis(millis));
  }

  /** Returns the time elapsed since the ticker started at zero. */
  public Duration elapsed() {
    return Duration.ofNanos(nanos.get());
  }
}
