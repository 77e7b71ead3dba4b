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
import static org.awaitility.Awaitility.await;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Release actions that block their thread (a synchronous HTTP or JDBC call without its own
 * timeout): each attempt is timed from the moment it is handed to the executor, and a thread still
 * blocked in a timed-out action is replaced by the engine's own executor, so blocked actions cannot
 * stop the pipeline nor leave later releases holding their pending slots untimed.
 */
class BlockingActionsTest {

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
      // both attempts timed out: their slots are free again, their threads still blocked
      await().atMost(Duration.ofSeconds(5)).until(() -> pipeline.stats().pending() == 0);
      for (int i = 0; i < 20; i++) {
        await().atMost(Duration.ofSeconds(5)).until(() -> pipeline.stats().pending() < 10);
        pipeline.submit(release("s" + i));
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(ran)
                      .as("releases whose actions ran; refused or failed: %s", refusedOrFailed)
                      .hasSize(20));
    } finally {
      never.countDown();
      pipeline.close(Duration.ofSeconds(1));
    }
  }

  @Test
  void anAttemptQueuedBehindABlockedThreadOfAGivenExecutorTimesOutFromItsDispatch()
      throws Exception {
    CountDownLatch blocking = new CountDownLatch(1);
    CountDownLatch hangStarted = new CountDownLatch(1);
    Set<String> ran = ConcurrentHashMap.newKeySet();
    List<String> failed = new CopyOnWriteArrayList<>();
    ReleaseAction action =
        release -> {
          if (release.sessionKey().equals("hang")) {
            hangStarted.countDown();
            try {
              blocking.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          ran.add(release.sessionKey());
          return CompletableFuture.completedFuture(null);
        };
    ExecutorService oneThread = Executors.newSingleThreadExecutor();
    ManualTime time = new ManualTime();
    ReleasePipeline pipeline =
        new ReleasePipeline(
            oneThread,
            List.of(action),
            (release, cause) -> failed.add(release.sessionKey() + ": " + cause),
            10,
            Duration.ofSeconds(1),
            time,
            time,
            () -> 0.5);
    try {
      pipeline.submit(release("hang"));
      assertThat(hangStarted.await(5, TimeUnit.SECONDS)).isTrue();
      pipeline.submit(release("queued")); // waits behind the blocked thread
      // Both attempts time out while the one thread is blocked: "queued" never got to run, and
      // its timeout counted from its dispatch all the same.
      time.advance(Duration.ofSeconds(1));
      blocking.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> pipeline.stats().pending() == 0);

      assertThat(ran).containsExactly("hang"); // the late call of "hang" returned; "queued" not run
      assertThat(failed)
          .anySatisfy(f -> assertThat(f).startsWith("queued: ").contains("TimeoutException"));
      assertThat(pipeline.stats().failed()).isEqualTo(2);
    } finally {
      blocking.countDown();
      pipeline.close(Duration.ofSeconds(1));
      oneThread.shutdownNow();
    }
  }
}
