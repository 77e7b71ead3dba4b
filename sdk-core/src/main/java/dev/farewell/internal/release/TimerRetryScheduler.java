package dev.farewell.internal.release;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The real {@link RetryScheduler}: one daemon timer thread, started at the first retry. */
public final class TimerRetryScheduler implements RetryScheduler {
  private final ScheduledThreadPoolExecutor timer;

  /** Creates the scheduler; its thread is named {@code threadName} and starts on first use. */
  public TimerRetryScheduler(String threadName) {
    timer = new ScheduledThreadPoolExecutor(1, new NamedDaemonThreads(threadName, false));
    timer.setRemoveOnCancelPolicy(true);
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public Runnable schedule(Duration delay, Runnable task) {
    ScheduledFuture<?> future =
        timer.schedule(task, Durations.saturatedNanos(delay), TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  @Override
  public void shutdown() {
    timer.shutdownNow();
  }
}
