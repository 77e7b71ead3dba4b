package dev.farewell.internal.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Release;
import dev.farewell.ReleaseAction;
import dev.farewell.ReleaseReason;
import dev.farewell.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * PROBE (review of issue 13, defect 4 not fixed for blocking actions). The attempt timeout is
 * scheduled inside {@code ReleaseRun.runAttempt}, which itself runs on the release executor. With
 * the engine's own executor (two threads), two actions that block their thread (a synchronous HTTP
 * or JDBC call without its own timeout, returning a completed stage) occupy both threads: their
 * attempts time out and free their pending slots, but every later release is queued on the stuck
 * executor, never reaches runAttempt, so no timeout is ever scheduled for it. Those releases hold
 * their pending slots forever; once {@code maximumPending} of them are held, every further release
 * is refused (its actions never run). The timeout bounds nothing for the next releases, which is
 * exactly the "hung release action pins the pipeline" of the issue.
 */
class BlockingActionProbeTest {

  private static Release release(String key) {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    return new Release(key, ReleaseReason.EXIT, Map.of(), now, now, now, now);
  }

  @Test
  void releasesAfterTwoBlockingActionsStillRunTheirActionsOnceTheAttemptsTimedOut()
      throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    Set<String> ran = ConcurrentHashMap.newKeySet();
    List<String> refusedOrFailed = new CopyOnWriteArrayList<>();
    ReleaseAction action =
        release -> {
          if (release.sessionKey().startsWith("hang")) {
            try {
              never.await(); // a blocking call that never returns
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          ran.add(release.sessionKey());
          return CompletableFuture.completedFuture(null);
        };
    ReleasePipeline pipeline =
        new ReleasePipeline(
            null, // the engine's own two threads
            List.of(action),
            (release, cause) -> refusedOrFailed.add(release.sessionKey() + ": " + cause),
            10,
            Duration.ofMillis(200),
            Ticker.system(),
            null,
            () -> 0.5);
    try {
      pipeline.submit(release("hang-1"));
      pipeline.submit(release("hang-2"));
      Thread.sleep(500); // both attempts timed out: their slots are free again
      for (int i = 0; i < 20; i++) {
        pipeline.submit(release("s" + i));
        Thread.sleep(20);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < deadline && ran.size() < 20) {
        Thread.sleep(50);
      }
      assertThat(ran)
          .as("releases whose actions ran; refused or failed: %s", refusedOrFailed)
          .hasSize(20);
    } finally {
      never.countDown();
      pipeline.close(Duration.ofSeconds(1));
    }
  }
}
