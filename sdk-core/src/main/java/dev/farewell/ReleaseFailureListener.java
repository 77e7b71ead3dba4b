package dev.farewell;

/**
 * Told when a release could not be carried out, so the application can record it and finish it
 * later: an action failed for good (a non-retryable failure, or its retries exhausted), the release
 * was refused because the pending queue was full, or it was abandoned at shutdown.
 *
 * <p>Called at most once per failed action and release, and once for a refused or abandoned
 * release; on the release executor, or on the thread that closes the engine for abandoned ones.
 * Exceptions it throws are logged with the session key and otherwise ignored. Must be thread-safe.
 */
@FunctionalInterface
public interface ReleaseFailureListener {

  /**
   * Called when {@code release} could not be carried out.
   *
   * @param release the release whose action failed
   * @param cause why: the action's exception (a {@link RetryableReleaseException} when its retries
   *     were exhausted), a {@link java.util.concurrent.CancellationException} for a release
   *     abandoned at shutdown, or a {@link java.util.concurrent.RejectedExecutionException} for a
   *     release refused because the pending queue was full or the engine closed
   */
  void onFailure(Release release, Throwable cause);
}
