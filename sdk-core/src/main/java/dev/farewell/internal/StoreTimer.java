package dev.farewell.internal;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import com.github.benmanes.caffeine.cache.Scheduler;
import dev.farewell.Ticker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory store's one daemon thread ({@code farewell-timer}): Caffeine's scheduler, the
 * maintenance after each timer-wheel bucket boundary, the checks at the end of exit graces and the
 * trimming of tombstones. Tasks that throw are logged and do not stop the timer; after {@link
 * #shutdown()} new tasks are dropped. Thread-safe.
 */
final class StoreTimer implements Scheduler {

  private static final Logger logger = LoggerFactory.getLogger(StoreTimer.class);

  private static final String THREAD_NAME = "farewell-timer";

  private final ScheduledThreadPoolExecutor executor;
  /** True on this timer's own thread. */
  private final ThreadLocal<Boolean> onTimerThread = ThreadLocal.withInitial(() -> false);

  StoreTimer() {
    executor =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread =
                  new Thread(
                      () -> {
                        onTimerThread.set(true);
                        task.run();
                      },
                      THREAD_NAME);
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
  }

  /** Caffeine's {@link Scheduler}: runs {@code command} on {@code commandExecutor} after delay. */
  @Override
  public Future<?> schedule(
      Executor commandExecutor, Runnable command, long delay, TimeUnit unit) {
    try {
      return executor.schedule(() -> commandExecutor.execute(command), delay, unit);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(null);
    }
  }

  /** Runs {@code task} once after {@code delayNanos}. */
  void after(long delayNanos, String what, Runnable task) {
    try {
      executor.schedule(() -> runLogged(what, task), delayNanos, NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // shut down: nothing more runs by time
    }
  }

  /** Runs {@code task} every {@code periodNanos}, the first time after one period. */
  void every(long periodNanos, String what, Runnable task) {
    try {
      executor.scheduleWithFixedDelay(
          () -> runLogged(what, task), periodNanos, periodNanos, NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // shut down
    }
  }

  /**
   * Runs {@code task} {@code slackNanos} after every multiple of {@code bucketNanos} (a power of
   * two) of {@code ticker}, until shut down.
   */
  void afterEachBoundary(Ticker ticker, long bucketNanos, long slackNanos, String what,
      Runnable task) {
    long now = ticker.read();
    long nextBoundary = (now + bucketNanos) & -bucketNanos;
    after(
        Math.max(0, nextBoundary - now) + slackNanos,
        what,
        () -> {
          try {
            task.run();
          } finally {
            if (!executor.isShutdown()) {
              afterEachBoundary(ticker, bucketNanos, slackNanos, what, task);
            }
          }
        });
  }

  /** Stops the thread; pending tasks are dropped. */
  void shutdown() {
    executor.shutdownNow();
  }

  /**
   * Stops the thread, dropping pending tasks, and waits up to {@code timeoutNanos} for the task it
   * runs (if any) to finish; returns at once when called from a task of this timer. Returns
   * whether the timer has stopped. Keeps the interrupt status.
   */
  boolean shutdownAndWait(long timeoutNanos) {
    executor.shutdownNow();
    if (Thread.currentThread().getName().equals(THREAD_NAME) && onTimerThread.get()) {
      return false;
    }
    try {
      return executor.awaitTermination(timeoutNanos, NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void runLogged(String what, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      logger.error("{} failed", what, e);
    }
  }
}
