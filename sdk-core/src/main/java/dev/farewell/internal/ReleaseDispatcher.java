package dev.farewell.internal;

import dev.farewell.Release;
import dev.farewell.ReleaseAction;
import dev.farewell.ReleaseFailureListener;
import dev.farewell.ReleaseStats;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the release actions of each release on the release executor. Placeholder: the pipeline with
 * its bounded queue, counters and shutdown reporting replaces it.
 */
public final class ReleaseDispatcher {
  private static final Logger logger = LoggerFactory.getLogger(ReleaseDispatcher.class);

  private final Executor executor;
  private final ExecutorService ownExecutor;
  private final List<ReleaseAction> actions;
  private final ReleaseFailureListener failureListener;
  private final AtomicLong released = new AtomicLong();

  public ReleaseDispatcher(
      Executor executor,
      List<ReleaseAction> actions,
      ReleaseFailureListener failureListener,
      int maximumPending) {
    this.ownExecutor = (executor == null) ? Executors.newFixedThreadPool(2) : null;
    this.executor = (executor == null) ? ownExecutor : executor;
    this.actions = actions;
    this.failureListener = failureListener;
  }

  public void submit(Release release) {
    released.incrementAndGet();
    executor.execute(
        () -> {
          for (ReleaseAction action : actions) {
            try {
              action.run(release).toCompletableFuture().join();
            } catch (Exception e) {
              logger.error("Release action failed for session {}", release.sessionKey(), e);
              if (failureListener != null) {
                failureListener.onFailure(release, e);
              }
            }
          }
        });
  }

  public ReleaseStats stats() {
    return new ReleaseStats(released.get(), 0, 0, 0, 0, 0, 0);
  }

  public void close(Duration timeout) {
    if (ownExecutor != null) {
      ownExecutor.shutdown();
      try {
        ownExecutor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
