package dev.farewell.internal.release;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/** An executor whose tasks run on the test's thread when the test says so. */
final class ManualExecutor implements Executor {
  private final Queue<Runnable> tasks = new ArrayDeque<>();

  @Override
  public synchronized void execute(Runnable task) {
    tasks.add(task);
  }

  /** Runs tasks, and the tasks they add, until none is left; returns how many ran. */
  int runAll() {
    int count = 0;
    while (true) {
      Runnable task;
      synchronized (this) {
        task = tasks.poll();
      }
      if (task == null) {
        return count;
      }
      task.run();
      count++;
    }
  }

  synchronized int queued() {
    return tasks.size();
  }
}
