package dev.farewell.internal.release;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes daemon threads named {@code prefix-1}, {@code prefix-2}, ... (or just {@code prefix}). */
public final class NamedDaemonThreads implements ThreadFactory {
  private final String prefix;
  private final boolean numbered;
  private final AtomicInteger count = new AtomicInteger();

  /** Threads named {@code prefix-N} if {@code numbered}, else {@code prefix}. */
  public NamedDaemonThreads(String prefix, boolean numbered) {
    this.prefix = prefix;
    this.numbered = numbered;
  }

  @Override
  public Thread newThread(Runnable task) {
    String name = numbered ? prefix + "-" + count.incrementAndGet() : prefix;
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }
}
