package dev.farewell.internal.release;

import dev.farewell.RetryPolicy;
import java.time.Duration;

/** Duration arithmetic of the pipeline, saturating instead of overflowing. */
public final class Durations {
  private Durations() {}

  /** {@code duration} in nanoseconds, or {@code Long.MAX_VALUE} if it does not fit. */
  public static long saturatedNanos(Duration duration) {
    try {
      return Math.max(0, duration.toNanos());
    } catch (ArithmeticException tooLong) {
      return duration.isNegative() ? 0 : Long.MAX_VALUE;
    }
  }

  /**
   * The wait before retry number {@code retry} (1 for the first) under {@code policy}: {@code
   * min(maxBackoff, initialBackoff * multiplier^(retry-1))} spread by {@code ±jitter} of itself.
   *
   * @param random a number in {@code [0, 1)} picking the point inside the jitter's spread
   */
  public static Duration backoff(RetryPolicy policy, int retry, double random) {
    double base = saturatedNanos(policy.initialBackoff()) * Math.pow(policy.multiplier(), retry - 1);
    base = Math.min(base, saturatedNanos(policy.maxBackoff()));
    double spread = base * policy.jitter() * (2 * random - 1);
    double nanos = Math.max(0, base + spread);
    return Duration.ofNanos(nanos >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) nanos);
  }
}
