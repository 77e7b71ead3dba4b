package dev.farewell.benchmarks;

import java.util.Arrays;

/** Order statistics of a sample of delays in nanoseconds (nearest-rank percentiles). */
final class Percentiles {

  private final long[] sorted;

  Percentiles(long[] sample) {
    if (sample.length == 0) {
      throw new IllegalArgumentException("sample must not be empty");
    }
    this.sorted = sample.clone();
    Arrays.sort(sorted);
  }

  int count() {
    return sorted.length;
  }

  /** The value at percentile {@code p} in [0, 100]. */
  long at(double p) {
    if (p < 0 || p > 100) {
      throw new IllegalArgumentException("p must be in [0, 100], was " + p);
    }
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  long min() {
    return sorted[0];
  }

  long max() {
    return sorted[sorted.length - 1];
  }

  /** The sorted values; do not modify. */
  long[] sorted() {
    return sorted;
  }
}
