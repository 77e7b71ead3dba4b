package dev.farewell.internal.release;

import static java.util.Objects.requireNonNull;

import dev.farewell.Release;
import dev.farewell.ReleaseAction;
import dev.farewell.ReleaseFailureListener;
import dev.farewell.ReleaseStats;
import dev.farewell.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The release pipeline: runs the actions of each release in order on the release executor, retries
 * the retryable failures on a timer, keeps at most {@code maximumPending} releases in flight,
 * counts everything, and abandons what is left at shutdown. Every release handed to it ends exactly
 * once: succeeded, failed (and reported) or abandoned (and reported).
 *
 * <p>Thread-safe. {@link #submit} never throws. It returns at once, except after {@link
 * #waitForRoomDuring} (the engine's close): a submitter that then finds the pipeline full, whichever
 * its thread (the store's timer too), waits for room until that deadline or until {@link #close}.
 */
public final class ReleasePipeline {
  static final Logger logger = LoggerFactory.getLogger("dev.farewell.release");

  /** Threads of the engine's own release executor. */
  static final int OWN_THREADS = 2;

  /**
   * Threads of the engine's own executor blocked in an action whose attempt timed out that the
   * executor replaces with new threads: up to this many blocked calls leave the pipeline its
   * {@link #OWN_THREADS} free threads.
   */
  static final int MAXIMUM_REPLACED_THREADS = 16;

  /** Reports of refused releases that may wait for the failure listener at once. */
  static final int MAXIMUM_WAITING_REPORTS = 1_024;

  /** The attempt timeout of the engine's builder by default. */
  public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(30);

  final Executor executor;
  private final ExecutorService ownExecutor;
  final RetryScheduler scheduler;
  final Ticker ticker;
  final DoubleSupplier random;
  final List<ReleaseAction> actions;
  private final ReleaseFailureListener failureListener;
  private final int maximumPending;
  /** How long one attempt of an action may take before it fails. */
  final Duration attemptTimeout;
  /**
   * Tells the failure listener of refused releases, on a thread of its own with a bounded queue:
   * the release executor may be the reason of the refusals (stuck), and the submitting thread must
   * not wait for a listener.
   */
  private final ThreadPoolExecutor reports;
  private final AtomicLong droppedReports = new AtomicLong();
  /** Until when (System.nanoTime) a full pipeline makes submitters wait for room; see below. */
  private volatile long roomDeadline;
  private volatile boolean waitingForRoom;

  /** Own executor threads still blocked in an action whose attempt timed out; guarded by itself. */
  private final int[] blockedThreads = new int[1];

  private final Set<ReleaseRun> live = ConcurrentHashMap.newKeySet();
  private final AtomicInteger pending = new AtomicInteger();
  private final Object idle = new Object();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile boolean closed;
  private volatile boolean abandoning;

  private final AtomicLong released = new AtomicLong();
  final AtomicLong attempted = new AtomicLong();
  private final AtomicLong succeeded = new AtomicLong();
  final AtomicLong retried = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong abandoned = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  /**
   * Creates a pipeline.
   *
   * @param executorOrNull where actions run; null for the pipeline's own daemon threads ({@code
   *     farewell-release-N}), shut down by {@link #close}. A given executor is never shut down; it
   *     must not run tasks on the submitting thread.
   * @param actions the actions of every release, in order
   * @param listenerOrNull told of every release that could not be carried out; null for none
   * @param maximumPending how many releases may be queued, running or waiting for a retry at once
   * @param ticker measures each action's time against its retry policy's maximum total time
   * @param schedulerOrNull times the retries; null for the pipeline's own timer thread
   * @param random numbers in {@code [0, 1)} for the backoff's jitter
   */
  public ReleasePipeline(
      Executor executorOrNull,
      List<ReleaseAction> actions,
      ReleaseFailureListener listenerOrNull,
      int maximumPending,
      Ticker ticker,
      RetryScheduler schedulerOrNull,
      DoubleSupplier random) {
    this(
        executorOrNull, actions, listenerOrNull, maximumPending, DEFAULT_ATTEMPT_TIMEOUT, ticker,
        schedulerOrNull, random);
  }

  /**
   * Creates a pipeline whose attempts fail after {@code attemptTimeout} (timed by the scheduler).
   *
   * @throws IllegalArgumentException if {@code maximumPending < 1} or the timeout is not positive
   */
  public ReleasePipeline(
      Executor executorOrNull,
      List<ReleaseAction> actions,
      ReleaseFailureListener listenerOrNull,
      int maximumPending,
      Duration attemptTimeout,
      Ticker ticker,
      RetryScheduler schedulerOrNull,
      DoubleSupplier random) {
    this.attemptTimeout = requireNonNull(attemptTimeout, "attemptTimeout");
    if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
      throw new IllegalArgumentException("attemptTimeout must be > 0, was " + attemptTimeout);
    }
    this.reports =
        new ThreadPoolExecutor(
            0,
            1,
            10,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAXIMUM_WAITING_REPORTS),
            new NamedDaemonThreads("farewell-release-reports", true),
            (task, pool) -> {
              if (pool.isShutdown()) {
                task.run(); // closed: no thread to wait for, tell the listener here
              } else {
                droppedReports.incrementAndGet();
              }
            });
    this.actions = List.copyOf(requireNonNull(actions, "actions"));
    if (maximumPending < 1) {
      throw new IllegalArgumentException("maximumPending must be >= 1, was " + maximumPending);
    }
    this.maximumPending = maximumPending;
    this.ticker = requireNonNull(ticker, "ticker");
    this.random = requireNonNull(random, "random");
    this.failureListener = listenerOrNull;
    if (executorOrNull == null) {
      // The queue is unbounded only in form: admission is bounded by maximumPending.
      this.ownExecutor =
          new ThreadPoolExecutor(
              OWN_THREADS,
              OWN_THREADS,
              0,
              TimeUnit.MILLISECONDS,
              new LinkedBlockingQueue<>(),
              new NamedDaemonThreads("farewell-release", true));
      this.executor = ownExecutor;
    } else {
      this.ownExecutor = null;
      this.executor = executorOrNull;
    }
    this.scheduler =
        (schedulerOrNull == null) ? new TimerRetryScheduler("farewell-release-timer") : schedulerOrNull;
  }

  /**
   * Takes a release. Returns at once (but see {@link #waitForRoomDuring}): the actions run later on
   * the executor. A release that does not fit (the pending queue is full, or the pipeline is
   * closed) is logged at ERROR and reported
   * to the failure listener with a {@link RejectedExecutionException}. Never throws.
   */
  public void submit(Release release) {
    submit(release, null);
  }

  /**
   * Takes a release as {@link #submit(Release)} does and completes {@code actedOrNull} when it ends:
   * true when its actions ran to their end (succeeded or failed for good), false when it was
   * refused or abandoned. Never throws.
   */
  public void submit(Release release, CompletableFuture<Boolean> actedOrNull) {
    try {
      requireNonNull(release, "release");
      released.incrementAndGet();
      if (closed) {
        reject(release, "the release pipeline is closed");
        complete(actedOrNull, false);
        return;
      }
      if (pending.incrementAndGet() > maximumPending) {
        pending.decrementAndGet();
        if (!awaitRoom()) {
          reject(
              release, "the pending queue is full (" + maximumPending + " releases waiting)");
          complete(actedOrNull, false);
          return;
        }
      }
      ReleaseRun run = new ReleaseRun(this, release, actedOrNull);
      live.add(run);
      if (abandoning) {
        // close() may have swept the live set before this run joined it.
        run.abandon();
        return;
      }
      run.start();
    } catch (RuntimeException bug) {
      logger.error("Release pipeline could not take release {}", release, bug);
    }
  }

  /**
   * Lets submitters of a full pipeline wait for room until {@code timeout} from now instead of
   * being refused at once: the engine's close hands every live session over at once
   * (release-on-close) and must not lose those beyond the maximum.
   */
  public void waitForRoomDuring(Duration timeout) {
    roomDeadline = System.nanoTime() + Durations.saturatedNanos(timeout);
    waitingForRoom = true;
  }

  /** What is left of the time given to {@link #waitForRoomDuring}; zero before it or once spent. */
  public Duration roomTimeLeft() {
    if (!waitingForRoom) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(Math.max(0, roomDeadline - System.nanoTime()));
  }

  /** Takes a pending slot once one is free, if submitters may wait; returns whether it did. */
  private boolean awaitRoom() {
    if (!waitingForRoom) {
      return false;
    }
    boolean interrupted = false;
    try {
      synchronized (idle) {
        while (true) {
          int now = pending.get();
          if (now < maximumPending) {
            if (pending.compareAndSet(now, now + 1)) {
              return true;
            }
            continue;
          }
          long left = roomDeadline - System.nanoTime();
          if (left <= 0 || closed) {
            return false;
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(idle, left);
          } catch (InterruptedException e) {
            interrupted = true;
            return false;
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static void complete(CompletableFuture<Boolean> actedOrNull, boolean acted) {
    if (actedOrNull == null) {
      return;
    }
    try {
      actedOrNull.complete(acted);
    } catch (RuntimeException e) {
      logger.error("A stage chained onto the end of a release threw", e);
    }
  }

  private void reject(Release release, String reason) {
    rejected.incrementAndGet();
    failed.incrementAndGet();
    logger.error(
        "Release of session {} ({}) refused: {}; its actions will not run",
        release.sessionKey(),
        release.reason(),
        reason);
    if (failureListener == null) {
      return;
    }
    RejectedExecutionException cause = new RejectedExecutionException(reason);
    // Not on the release executor, which may be stuck (the usual reason for refusals), and not
    // on the submitting thread: on the reports thread, whose queue is bounded.
    reports.execute(() -> reportFailure(release, cause));
    long dropped = droppedReports.getAndSet(0);
    if (dropped > 0) {
      logger.error(
          "Release failure listener is behind: {} report(s) of refused releases dropped (each was"
              + " logged above)",
          dropped);
    }
  }

  /** Tells the failure listener, which cannot hurt the pipeline. */
  void reportFailure(Release release, Throwable cause) {
    if (failureListener == null) {
      return;
    }
    try {
      failureListener.onFailure(release, cause);
    } catch (Throwable listenerFailure) {
      logger.error(
          "Release failure listener threw for session {} ({})",
          release.sessionKey(),
          release.reason(),
          listenerFailure);
    }
  }

  /**
   * An attempt timed out while its action's call still holds an executor thread: the engine's own
   * executor gets one more thread (up to {@link #MAXIMUM_REPLACED_THREADS} more), so that a blocked
   * call cannot take the pipeline's threads away. A given executor is the application's to size.
   */
  void threadBlocked() {
    resizeOwnExecutor(+1);
  }

  /** A call counted by {@link #threadBlocked} returned: its extra thread goes once idle. */
  void blockedThreadReturned() {
    resizeOwnExecutor(-1);
  }

  private void resizeOwnExecutor(int change) {
    if (!(ownExecutor instanceof ThreadPoolExecutor pool)) {
      return;
    }
    synchronized (blockedThreads) {
      blockedThreads[0] += change;
      int size = OWN_THREADS + Math.min(Math.max(blockedThreads[0], 0), MAXIMUM_REPLACED_THREADS);
      try {
        if (size > pool.getMaximumPoolSize()) {
          pool.setMaximumPoolSize(size);
          pool.setCorePoolSize(size); // starts a thread at once if tasks are queued
        } else if (size < pool.getCorePoolSize()) {
          pool.setCorePoolSize(size);
          pool.setMaximumPoolSize(size);
        }
      } catch (IllegalArgumentException e) {
        logger.debug("Could not resize the release executor to {} threads", size, e);
      }
    }
  }

  /** Called once per run by the run that won its end. */
  void ended(ReleaseRun run, Outcome outcome) {
    switch (outcome) {
      case SUCCEEDED -> succeeded.incrementAndGet();
      case FAILED -> failed.incrementAndGet();
      case ABANDONED -> abandoned.incrementAndGet();
    }
    live.remove(run);
    int left = pending.decrementAndGet();
    // A submitter waiting for room is woken once half the room is free, not for every slot: it
    // then hands over a batch instead of trading places with the executor once per release.
    if ((left == 0 && closed) || (waitingForRoom && left <= maximumPending / 2)) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  /** How a release ended. */
  enum Outcome {
    SUCCEEDED,
    FAILED,
    ABANDONED
  }

  /** Returns the counters now. */
  public ReleaseStats stats() {
    return new ReleaseStats(
        released.get(),
        attempted.get(),
        succeeded.get(),
        retried.get(),
        failed.get(),
        Math.max(0, Math.min(pending.get(), maximumPending)),
        abandoned.get(),
        rejected.get());
  }

  /**
   * Stops taking releases, waits up to {@code timeout} for the pending ones to end, then abandons
   * the rest: each is cancelled, counted, logged at ERROR and reported to the failure listener
   * with a {@link java.util.concurrent.CancellationException}. Shuts down the pipeline's own
   * threads, never a given executor. Idempotent; returns within about {@code timeout}.
   *
   * @throws NullPointerException if {@code timeout} is null
   */
  public void close(Duration timeout) {
    requireNonNull(timeout, "timeout");
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    closed = true;
    synchronized (idle) {
      idle.notifyAll(); // submitters waiting for room give up
    }
    long deadline = System.nanoTime() + Durations.saturatedNanos(timeout);
    boolean interrupted = false;
    synchronized (idle) {
      while (pending.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(idle, left);
        } catch (InterruptedException e) {
          interrupted = true;
          break;
        }
      }
    }
    abandoning = true;
    int count = 0;
    for (ReleaseRun run : live) {
      if (run.abandon()) {
        count++;
      }
    }
    if (count > 0) {
      logger.error(
          "Release pipeline closed after {}: abandoned {} pending release(s)", timeout, count);
    }
    scheduler.shutdown();
    if (ownExecutor != null) {
      ownExecutor.shutdown();
    }
    reports.shutdown();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
