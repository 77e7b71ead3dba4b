package dev.farewell;

/**
 * Told when a release action failed for good (its retries exhausted, a non-retryable answer, the
 * pending queue full, or abandoned at shutdown), so the application can record the release and
 * finish it later. Called at most once per failed action and release; exceptions it throws are
 * logged and otherwise ignored.
 */
@FunctionalInterface
public interface ReleaseFailureListener {

  /**
   * Called when {@code action} could not complete for {@code release}.
   *
   * @param release the release whose action failed
   * @param cause why: the action's exception, or a {@link java.util.concurrent.CancellationException}
   *     for an action abandoned at shutdown, or a {@link java.util.concurrent.RejectedExecutionException}
   *     for a release refused because the pending queue was full
   */
  void onFailure(Release release, Throwable cause);
}
