package dev.farewell.internal;

import dev.farewell.Release;
import dev.farewell.ReleaseAction;
import dev.farewell.ReleaseFailureListener;
import dev.farewell.ReleaseStats;
import dev.farewell.Ticker;
import dev.farewell.internal.release.ReleasePipeline;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The engine's release pipeline, as {@link dev.farewell.Farewell} uses it. See {@link
 * ReleasePipeline} for what it does; this class fixes the real clock, timer and randomness.
 *
 * <p>Thread-safe. {@link #submit} never throws. It returns at once, except while the engine closes
 * (after {@link #waitForRoomDuring}): a submitter that then finds the pipeline full, whichever its
 * thread (the store's timer too), waits for room until that deadline or until {@link #close}.
 */
public final class ReleaseDispatcher {
  private final ReleasePipeline pipeline;

  /**
   * Creates the pipeline.
   *
   * @param executorOrNull where actions run; null for the engine's own daemon threads
   * @param actions the actions of every release, in order
   * @param listenerOrNull told of releases that could not be carried out; null for none
   * @param maximumPending how many releases may be in flight at once
   * @throws IllegalArgumentException if {@code maximumPending < 1}
   */
  public ReleaseDispatcher(
      Executor executorOrNull,
      List<ReleaseAction> actions,
      ReleaseFailureListener listenerOrNull,
      int maximumPending) {
    this(
        executorOrNull, actions, listenerOrNull, maximumPending,
        ReleasePipeline.DEFAULT_ATTEMPT_TIMEOUT);
  }

  /**
   * Creates the pipeline; an attempt of an action that has not completed after {@code
   * attemptTimeout} fails.
   *
   * @throws IllegalArgumentException if {@code maximumPending < 1} or the timeout is not positive
   */
  public ReleaseDispatcher(
      Executor executorOrNull,
      List<ReleaseAction> actions,
      ReleaseFailureListener listenerOrNull,
      int maximumPending,
      Duration attemptTimeout) {
    this.pipeline =
        new ReleasePipeline(
            executorOrNull,
            actions,
            listenerOrNull,
            maximumPending,
            attemptTimeout,
            Ticker.system(),
            null,
            () -> ThreadLocalRandom.current().nextDouble());
  }

  /** Takes a release; returns at once. Never throws. */
  public void submit(Release release) {
    pipeline.submit(release);
  }

  /**
   * Takes a release and tells when its actions are over: true once they ran to their end, false if
   * the release was refused or abandoned. Returns at once. Never throws.
   */
  public CompletionStage<Boolean> submitUntilActed(Release release) {
    CompletableFuture<Boolean> acted = new CompletableFuture<>();
    pipeline.submit(release, acted);
    return acted;
  }

  /** Returns the pipeline's counters now. */
  public ReleaseStats stats() {
    return pipeline.stats();
  }

  /**
   * From now on, a release that finds the pending queue full waits for room up to {@code timeout}
   * from now instead of being refused (for release-on-close).
   */
  /** What is left of the time given to {@link #waitForRoomDuring}; zero before it or once spent. */
  public Duration roomTimeLeft() {
    return pipeline.roomTimeLeft();
  }

  public void waitForRoomDuring(Duration timeout) {
    pipeline.waitForRoomDuring(timeout);
  }

  /**
   * Stops taking releases, waits up to {@code timeout} for the pending ones, abandons and reports
   * the rest. Idempotent.
   */
  public void close(Duration timeout) {
    pipeline.close(timeout);
  }
}
