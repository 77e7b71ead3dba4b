package dev.farewell.internal.release;

import static dev.farewell.internal.release.ReleasePipeline.logger;

import dev.farewell.Release;
import dev.farewell.ReleaseAction;
import dev.farewell.RetryPolicy;
import dev.farewell.RetryableReleaseException;
import dev.farewell.internal.release.ReleasePipeline.Outcome;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One release going through the pipeline: its actions one after the other, each attempt run on the
 * executor and timed from the moment it is handed to it, each retry and each attempt's timeout
 * timed by the scheduler. Its steps never
 * overlap (each is handed to the executor by the end of the previous one; an attempt ends once,
 * by its stage or by its timeout, whichever comes first, see {@link Attempt}), so its step fields
 * need no lock; only {@link #abandon} comes from another thread, and it touches the volatile
 * fields alone. {@link #ended} makes sure the release ends once.
 */
final class ReleaseRun {
  private final ReleasePipeline pipeline;
  private final Release release;
  private final AtomicBoolean ended = new AtomicBoolean();

  private int actionIndex;
  private int attempt;
  private long actionStartedNanos;
  private boolean anyActionFailed;

  private volatile Attempt current;
  private volatile Runnable cancelRetry;

  /**
   * One attempt of an action: it ends once, when its stage completes or when its timeout fires,
   * whichever comes first; what comes second is ignored. Its timeout starts when it is handed to
   * the executor, so an attempt that waits behind busy threads is timed too, and a stage that never
   * completes (or an action that blocks its thread) holds the release no longer than the timeout.
   */
  private static final class Attempt {
    static final int NOT_CALLED = 0;
    static final int IN_CALL = 1;
    /** Still in the action's call when it timed out: the pipeline counts its thread as blocked. */
    static final int BLOCKED = 2;
    static final int RETURNED = 3;

    private final AtomicBoolean over = new AtomicBoolean();
    /** Where the call of {@code ReleaseAction.run} is: one of the constants above. */
    final AtomicInteger call = new AtomicInteger(NOT_CALLED);
    volatile CompletableFuture<?> future;
    volatile Runnable cancelTimeout;

    boolean end() {
      return over.compareAndSet(false, true);
    }

    boolean isOver() {
      return over.get();
    }
  }

  private final CompletableFuture<Boolean> actedOrNull;
  /** The executor refused a step: the actions did not run to their end. */
  private volatile boolean refused;

  ReleaseRun(ReleasePipeline pipeline, Release release, CompletableFuture<Boolean> actedOrNull) {
    this.pipeline = pipeline;
    this.release = release;
    this.actedOrNull = actedOrNull;
  }

  /** Starts the first action: its first attempt is handed to the executor, timed from now. */
  void start() {
    startAction(0);
  }

  /** Hands a step to the executor; a step that cannot be handed fails the release. */
  void dispatch(Runnable step) {
    try {
      pipeline.executor.execute(() -> runStep(step));
    } catch (RejectedExecutionException e) {
      refused = true;
      if (end(Outcome.FAILED)) {
        logger.error(
            "Release executor refused the actions of session {} ({})",
            release.sessionKey(),
            release.reason(),
            e);
        pipeline.reportFailure(release, e);
      }
    }
  }

  private void runStep(Runnable step) {
    try {
      step.run();
    } catch (Throwable bug) {
      if (end(Outcome.FAILED)) {
        logger.error(
            "Release pipeline failed on session {} ({})", release.sessionKey(), release.reason(), bug);
        pipeline.reportFailure(release, bug);
      }
    }
  }

  private void startAction(int index) {
    if (ended.get()) {
      return;
    }
    actionIndex = index;
    if (index >= pipeline.actions.size()) {
      end(anyActionFailed ? Outcome.FAILED : Outcome.SUCCEEDED);
      return;
    }
    attempt = 0;
    actionStartedNanos = pipeline.ticker.read();
    dispatchAttempt();
  }

  /**
   * Hands the next attempt of the current action to the executor and starts its timeout now: time
   * spent queued behind busy (or blocked) executor threads counts against the attempt, so a release
   * never holds its pending slot untimed. Cheap and free of user code: it may run on the timer.
   */
  private void dispatchAttempt() {
    if (ended.get()) {
      return;
    }
    attempt++;
    pipeline.attempted.incrementAndGet();
    if (attempt > 1) {
      pipeline.retried.incrementAndGet();
    }
    Attempt thisAttempt = new Attempt();
    current = thisAttempt;
    Duration timeout = pipeline.attemptTimeout;
    thisAttempt.cancelTimeout =
        pipeline.scheduler.schedule(timeout, () -> timedOut(thisAttempt, timeout));
    dispatch(() -> runAttempt(thisAttempt));
  }

  private void runAttempt(Attempt thisAttempt) {
    if (ended.get() || thisAttempt.isOver()) {
      return; // abandoned, or timed out while queued (its timeout went on with the release)
    }
    CompletionStage<?> stage;
    try {
      thisAttempt.call.set(Attempt.IN_CALL);
      try {
        stage = action().run(release);
      } finally {
        if (!thisAttempt.call.compareAndSet(Attempt.IN_CALL, Attempt.RETURNED)) {
          pipeline.blockedThreadReturned(); // counted as blocked by the timeout: give it back
        }
      }
      if (stage == null) {
        throw new NullPointerException("release action returned a null stage");
      }
      thisAttempt.future = toFuture(stage);
      stage.whenComplete(
          (value, error) -> {
            if (thisAttempt.end()) {
              thisAttempt.cancelTimeout.run();
              dispatch(() -> attemptEnded(error));
            }
          });
    } catch (Throwable e) {
      if (thisAttempt.end()) {
        thisAttempt.cancelTimeout.run();
        attemptEnded(e);
      }
      return;
    }
    if (ended.get()) {
      cancelCurrent(); // abandoned while the action was starting
    }
  }

  /**
   * The attempt's timeout fired (on the timer thread): it fails unless it ended meanwhile, and its
   * stage is cancelled. What comes next (a retry, the next action, the end) is decided on the
   * executor, never here: a next action that blocks must not stop the timer. If the action's call
   * is still blocking an executor thread, the pipeline is told first, so that it can replace that
   * thread before the continuation needs one.
   */
  private void timedOut(Attempt timedOut, Duration timeout) {
    if (!timedOut.end()) {
      return;
    }
    if (timedOut.call.compareAndSet(Attempt.IN_CALL, Attempt.BLOCKED)) {
      pipeline.threadBlocked();
    }
    cancel(timedOut);
    dispatch(
        () ->
            attemptEnded(
                new TimeoutException(
                    "release action did not complete within " + timeout + " (attempt timeout)")));
  }

  private static CompletableFuture<?> toFuture(CompletionStage<?> stage) {
    try {
      return stage.toCompletableFuture();
    } catch (UnsupportedOperationException notSupported) {
      return null;
    }
  }

  private void attemptEnded(Throwable error) {
    if (ended.get()) {
      return;
    }
    current = null;
    if (error == null) {
      startAction(actionIndex + 1);
      return;
    }
    Throwable cause = unwrap(error);
    if (cause instanceof RetryableReleaseException retryable && scheduleRetry(retryable)) {
      return;
    }
    anyActionFailed = true;
    logger.error(
        "Release action #{} ({}) failed for session {} ({}) after {} attempt(s)",
        actionIndex + 1,
        action(),
        release.sessionKey(),
        release.reason(),
        attempt,
        cause);
    pipeline.reportFailure(release, cause);
    startAction(actionIndex + 1);
  }

  /** Schedules the next attempt if the action's policy allows one; returns whether it did. */
  private boolean scheduleRetry(RetryableReleaseException failure) {
    RetryPolicy policy = retryPolicy();
    if (attempt >= policy.maxAttempts()) {
      return false;
    }
    Duration wait =
        failure
            .retryAfter()
            .orElseGet(() -> Durations.backoff(policy, attempt, pipeline.random.getAsDouble()));
    Duration elapsed = Duration.ofNanos(pipeline.ticker.read() - actionStartedNanos);
    if (elapsed.plus(wait).compareTo(policy.maxTotalTime()) > 0) {
      return false;
    }
    logger.debug(
        "Release action #{} for session {} failed ({}); attempt {} in {}",
        actionIndex + 1,
        release.sessionKey(),
        failure.getMessage(),
        attempt + 1,
        wait);
    cancelRetry = pipeline.scheduler.schedule(wait, this::dispatchAttempt);
    if (ended.get()) {
      cancelRetry.run(); // abandoned meanwhile
    }
    return true;
  }

  private ReleaseAction action() {
    return pipeline.actions.get(actionIndex);
  }

  private RetryPolicy retryPolicy() {
    try {
      RetryPolicy policy = action().retryPolicy();
      return (policy == null) ? RetryPolicy.none() : policy;
    } catch (RuntimeException e) {
      logger.error("Release action #{} threw from retryPolicy(); not retrying", actionIndex + 1, e);
      return RetryPolicy.none();
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /**
   * Gives the release up (at shutdown): cancels its waiting retry and its running action, counts
   * it, logs it and reports it. Returns whether this call ended it.
   */
  boolean abandon() {
    if (!end(Outcome.ABANDONED)) {
      return false;
    }
    Runnable retry = cancelRetry;
    if (retry != null) {
      retry.run();
    }
    cancelCurrent();
    logger.error(
        "Release of session {} ({}) abandoned at shutdown; its actions did not finish",
        release.sessionKey(),
        release.reason());
    pipeline.reportFailure(
        release, new CancellationException("release abandoned at shutdown before its actions finished"));
    return true;
  }

  private void cancelCurrent() {
    Attempt attempt = current;
    if (attempt != null) {
      Runnable cancelTimeout = attempt.cancelTimeout;
      if (cancelTimeout != null) {
        cancelTimeout.run();
      }
      cancel(attempt);
    }
  }

  private void cancel(Attempt attempt) {
    CompletableFuture<?> future = attempt.future;
    if (future != null) {
      try {
        future.cancel(true);
      } catch (RuntimeException e) {
        logger.debug("Cancelling the action of session {} threw", release.sessionKey(), e);
      }
    }
  }

  private boolean end(Outcome outcome) {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    pipeline.ended(this, outcome);
    ReleasePipeline.complete(actedOrNull, outcome != Outcome.ABANDONED && !refused);
    return true;
  }
}
