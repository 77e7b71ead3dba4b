package dev.farewell.internal.release;

import java.time.Duration;

/**
 * Runs a task once after a delay, without holding a thread while it waits. The pipeline's retries
 * wait on it; tests pass one driven by a fake clock.
 */
public interface RetryScheduler {

  /**
   * Runs {@code task} after {@code delay}, on a thread of the scheduler's choosing (the task must
   * be quick: the pipeline only hands work to its executor from it).
   *
   * @return a handle that cancels the task if it has not run yet; calling it twice is harmless
   */
  Runnable schedule(Duration delay, Runnable task);

  /** Stops the scheduler; tasks not yet run are dropped. */
  void shutdown();
}
