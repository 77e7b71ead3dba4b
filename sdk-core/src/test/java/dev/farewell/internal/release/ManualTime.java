package dev.farewell.internal.release;

import dev.farewell.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A fake clock that is also the retry timer: tasks run when the test advances time past them. */
final class ManualTime implements Ticker, RetryScheduler {
  private long nanos = 1_000_000_000L;
  private final List<Timed> timed = new ArrayList<>();
  private boolean shutdown;

  private record Timed(long dueNanos, Runnable task, boolean[] cancelled) {}

  @Override
  public synchronized long read() {
    return nanos;
  }

  @Override
  public synchronized Runnable schedule(Duration delay, Runnable task) {
    boolean[] cancelled = {false};
    if (!shutdown) {
      timed.add(new Timed(nanos + delay.toNanos(), task, cancelled));
    }
    return () -> {
      synchronized (this) {
        cancelled[0] = true;
      }
    };
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
    timed.clear();
  }

  /** How many timed tasks wait (not cancelled). */
  synchronized long waiting() {
    return timed.stream().filter(t -> !t.cancelled()[0]).count();
  }

  /** Moves time forward, running each task that falls due on the way. */
  void advance(Duration duration) {
    long target;
    synchronized (this) {
      target = nanos + duration.toNanos();
    }
    while (true) {
      Timed next;
      synchronized (this) {
        next =
            timed.stream()
                .filter(t -> t.dueNanos() <= target)
                .min(Comparator.comparingLong(Timed::dueNanos))
                .orElse(null);
        if (next == null) {
          nanos = target;
          return;
        }
        timed.remove(next);
        nanos = Math.max(nanos, next.dueNanos());
      }
      if (!next.cancelled()[0]) {
        next.task().run();
      }
    }
  }
}
