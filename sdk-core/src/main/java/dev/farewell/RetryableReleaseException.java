package dev.farewell;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * Thrown by a {@link ReleaseAction} (or completing its stage) when the failure is passing and the
 * action may succeed if run again: a refused connection, a timeout, an HTTP 503 or 429. The
 * release pipeline then runs the action again as its {@link ReleaseAction#retryPolicy()} allows,
 * after the {@linkplain #retryAfter() wait the server asked for} if there is one. Any other
 * exception fails the action for good at once.
 *
 * <p>When the retries are exhausted, this exception is what the {@link ReleaseFailureListener}
 * receives; its cause tells what went wrong.
 */
public class RetryableReleaseException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Duration retryAfter;

  /** A retryable failure with no wait of its own. */
  public RetryableReleaseException(String message, Throwable cause) {
    super(message, cause);
    this.retryAfter = null;
  }

  /**
   * A retryable failure after which the next attempt must wait {@code retryAfter} (an HTTP {@code
   * Retry-After}) instead of the policy's backoff.
   *
   * @throws NullPointerException if {@code retryAfter} is null
   * @throws IllegalArgumentException if {@code retryAfter} is negative
   */
  public RetryableReleaseException(String message, Throwable cause, Duration retryAfter) {
    super(message, cause);
    requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must be >= 0, was " + retryAfter);
    }
    this.retryAfter = retryAfter;
  }

  /** The wait the failed party asked for before the next attempt, if it asked. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
