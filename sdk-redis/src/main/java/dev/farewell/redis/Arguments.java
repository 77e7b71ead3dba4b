package dev.farewell.redis;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The builder's argument checks, worded as the core module's builders word theirs. A copy rather
 * than a use of the core's internal package, which its module descriptor does not export.
 */
final class Arguments {

  private Arguments() {}

  /**
   * Returns {@code value} if it is longer than zero.
   *
   * @throws NullPointerException naming the setting if {@code value} is null
   * @throws IllegalArgumentException naming the setting and the value if it is zero or negative
   */
  static Duration positive(String name, Duration value) {
    requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, was " + value);
    }
    return value;
  }

  /**
   * Returns {@code value} if it is a whole number of milliseconds Jedis can take: at least 1 ms (0
   * would mean no timeout) and at most {@link Integer#MAX_VALUE} ms (about 24 days).
   *
   * @throws NullPointerException naming the setting if {@code value} is null
   * @throws IllegalArgumentException naming the setting and the value otherwise
   */
  static Duration millis(String name, Duration value) {
    positive(name, value);
    if (value.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException(name + " must be >= 1ms, was " + value);
    }
    if (value.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException(name + " must be <= " + Duration.ofMillis(Integer.MAX_VALUE)
          + ", was " + value);
    }
    return value;
  }

  /** The settings a builder was given, so that each can be given once. Not thread-safe. */
  static final class SetOnce {
    private final Set<String> names = new HashSet<>();

    /**
     * Records that {@code name} is being set.
     *
     * @throws IllegalStateException if it was set before
     */
    void mark(String name) {
      if (!names.add(name)) {
        throw new IllegalStateException(name + " was already set");
      }
    }

    /** Whether {@code name} was set. */
    boolean isSet(String name) {
      return names.contains(name);
    }
  }
}
