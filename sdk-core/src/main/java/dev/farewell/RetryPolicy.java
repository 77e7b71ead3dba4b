package dev.farewell;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the release pipeline retries an action that failed with a {@link RetryableReleaseException}:
 * at most {@code maxAttempts} runs of the action for one release, none starting later than {@code
 * maxTotalTime} after the first, with exponential backoff and jitter between them.
 *
 * <p>The wait before retry {@code n} (1 for the first retry) is {@code min(maxBackoff,
 * initialBackoff * multiplier^(n-1))}, spread at random by {@code ±jitter} of itself (a jitter of
 * 0.2 gives a wait between 80% and 120% of it). A {@code Retry-After} carried by the exception
 * replaces the computed wait. When the wait would start the next attempt after {@code
 * maxTotalTime}, the action fails for good at once.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.newBuilder()
 *     .maxAttempts(5)
 *     .maxTotalTime(Duration.ofMinutes(1))
 *     .initialBackoff(Duration.ofMillis(500))
 *     .build();
 * }</pre>
 *
 * <p>Made by {@link #newBuilder()} (or {@link #none()}). Instances are immutable and
 * thread-safe; equal policies are equal.
 */
public final class RetryPolicy {

  private static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 0);

  private final int maxAttempts;
  private final Duration maxTotalTime;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double multiplier;
  private final double jitter;

  private RetryPolicy(int maxAttempts, Duration maxTotalTime, Duration initialBackoff,
      Duration maxBackoff, double multiplier, double jitter) {
    check(maxAttempts, maxTotalTime, initialBackoff, maxBackoff, multiplier, jitter);
    this.maxAttempts = maxAttempts;
    this.maxTotalTime = maxTotalTime;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.multiplier = multiplier;
    this.jitter = jitter;
  }

  /** How many times the action runs at most for one release, the first run included. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** How long after the first attempt started a retry may still start. */
  public Duration maxTotalTime() {
    return maxTotalTime;
  }

  /** The wait before the first retry. */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** The longest computed wait. */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** How much each wait grows over the previous one. */
  public double multiplier() {
    return multiplier;
  }

  /** The random spread of each wait, as a fraction of it. */
  public double jitter() {
    return jitter;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetryPolicy other
        && maxAttempts == other.maxAttempts
        && maxTotalTime.equals(other.maxTotalTime)
        && initialBackoff.equals(other.initialBackoff)
        && maxBackoff.equals(other.maxBackoff)
        && Double.compare(multiplier, other.multiplier) == 0
        && Double.compare(jitter, other.jitter) == 0;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        maxAttempts, maxTotalTime, initialBackoff, maxBackoff, multiplier, jitter);
  }

  @Override
  public String toString() {
    return "RetryPolicy[maxAttempts=" + maxAttempts + ", maxTotalTime=" + maxTotalTime
        + ", initialBackoff=" + initialBackoff + ", maxBackoff=" + maxBackoff + ", multiplier="
        + multiplier + ", jitter=" + jitter + "]";
  }

  private static void check(int maxAttempts, Duration maxTotalTime, Duration initialBackoff,
      Duration maxBackoff, double multiplier, double jitter) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
    }
    positive("maxTotalTime", maxTotalTime);
    positive("initialBackoff", initialBackoff);
    positive("maxBackoff", maxBackoff);
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff must be >= initialBackoff, was " + maxBackoff + " < " + initialBackoff);
    }
    if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be >= 1 and finite, was " + multiplier);
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be in [0, 1], was " + jitter);
    }
  }

  /** The policy of actions that do not retry: one attempt. */
  public static RetryPolicy none() {
    return NONE;
  }

  /**
   * Returns a builder with the defaults: 5 attempts, 2 minutes total, 500 ms initial backoff, 30 s
   * maximum backoff, multiplier 2, jitter 0.2.
   */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns a builder that starts from this policy's values. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.maxAttempts = maxAttempts;
    builder.maxTotalTime = maxTotalTime;
    builder.initialBackoff = initialBackoff;
    builder.maxBackoff = maxBackoff;
    builder.multiplier = multiplier;
    builder.jitter = jitter;
    return builder;
  }

  private static void positive(String name, Duration value) {
    requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, was " + value);
    }
  }

  /**
   * Builds a {@link RetryPolicy}. Every setter checks its argument at once. Not thread-safe.
   */
  public static final class Builder {
    private int maxAttempts = 5;
    private Duration maxTotalTime = Duration.ofMinutes(2);
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private double multiplier = 2;
    private double jitter = 0.2;

    private Builder() {}

    /**
     * How many times the action runs at most for one release, the first run included.
     *
     * @throws IllegalArgumentException if {@code maxAttempts < 1}
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * How long after the first attempt a retry may still start.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxTotalTime(Duration maxTotalTime) {
      positive("maxTotalTime", maxTotalTime);
      this.maxTotalTime = maxTotalTime;
      return this;
    }

    /**
     * The wait before the first retry. Raises the maximum backoff to it if that was lower.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder initialBackoff(Duration initialBackoff) {
      positive("initialBackoff", initialBackoff);
      this.initialBackoff = initialBackoff;
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        maxBackoff = initialBackoff;
      }
      return this;
    }

    /**
     * The longest computed wait (a {@code Retry-After} may ask for longer).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxBackoff(Duration maxBackoff) {
      positive("maxBackoff", maxBackoff);
      this.maxBackoff = maxBackoff;
      return this;
    }

    /**
     * How much each wait grows over the previous one.
     *
     * @throws IllegalArgumentException if {@code < 1} or not finite
     */
    public Builder multiplier(double multiplier) {
      if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException("multiplier must be >= 1 and finite, was " + multiplier);
      }
      this.multiplier = multiplier;
      return this;
    }

    /**
     * The random spread of each wait, as a fraction of it; 0 for none.
     *
     * @throws IllegalArgumentException if outside {@code [0, 1]}
     */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0 && jitter <= 1)) {
        throw new IllegalArgumentException("jitter must be in [0, 1], was " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /**
     * Builds the policy.
     *
     * @throws IllegalArgumentException if {@code maxBackoff < initialBackoff}
     */
    public RetryPolicy build() {
      return new RetryPolicy(
          maxAttempts, maxTotalTime, initialBackoff, maxBackoff, multiplier, jitter);
    }
  }
}
