package dev.farewell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.testing.CollectingReleaseListener;
import dev.farewell.testing.FakeTicker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Release-on-close beyond the pending maximum, and actions that call the engine back. */
class ReleaseOnCloseAndActionsTest {

  private final FakeTicker ticker = new FakeTicker();
  private final CollectingReleaseListener released = new CollectingReleaseListener();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();

  @Test
  @Timeout(300)
  void releaseOnCloseWaitsForRoomInsteadOfRefusingReleasesBeyondTheMaximumPending()
      throws Exception {
    BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    Farewell farewell =
        Farewell.newBuilder()
            .ticker(ticker)
            .releaseExecutor(tasks::add)
            .maximumPendingReleases(100)
            .releaseOnClose(true)
            // generous: the test checks that nothing is refused, not how fast a loaded machine is
            .shutdownTimeout(Duration.ofSeconds(240))
            .onRelease(released)
            .onReleaseFailure((release, cause) -> failures.add(cause))
            .build();
    for (int i = 0; i < 5_000; i++) {
      farewell.track("s" + i);
    }
    // The release executor starts working once close has filled the pending queue, and stops only
    // once close has returned: "closed and nothing pending" also holds for a moment between two
    // batches of close's releases (the pipeline drained, close not yet woken to hand the next).
    AtomicBoolean closeReturned = new AtomicBoolean();
    Thread worker =
        new Thread(
            () -> {
              // not a shorter wait than close's: a worker that gave up would leave close waiting
              await().atMost(Duration.ofSeconds(240))
                  .until(() -> farewell.stats().actions().pending() >= 100 || closeReturned.get());
              try {
                while (true) {
                  Runnable task = tasks.poll(100, TimeUnit.MILLISECONDS);
                  if (task != null) {
                    task.run();
                  } else if (closeReturned.get() && farewell.stats().actions().pending() == 0) {
                    return;
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    worker.start();

    farewell.close();
    closeReturned.set(true);
    worker.join(240_000);

    assertThat(failures).isEmpty();
    assertThat(farewell.stats().actions().rejected()).isZero();
    assertThat(released.size()).isEqualTo(5_000);
    assertThat(released.releasedMoreThanOnce()).isEmpty();
  }

  @Test
  @Timeout(30)
  void aBlockingActionOnASameThreadExecutorDoesNotHoldUpTheMaintenance() throws Exception {
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch unblock = new CountDownLatch(1);
    Farewell farewell =
        Farewell.newBuilder()
            .ticker(ticker)
            .releaseExecutor(Runnable::run)
            .releaseAction(
                release -> {
                  if (release.sessionKey().equals("slow")) {
                    blocked.countDown();
                    unblock.await();
                  }
                  return CompletableFuture.completedFuture(null);
                })
            .onRelease(released)
            .build();
    try {
      farewell.signal(Signal.of(SignalType.OPEN, "slow", "p1", 0));
      ticker.advance(Duration.ofSeconds(20));
      Thread releasing = new Thread(farewell::cleanUp); // Caffeine evicts "slow" on this thread
      releasing.start();
      blocked.await();

      // while the action blocks, the maintenance of other sessions goes on
      farewell.signal(Signal.of(SignalType.OPEN, "other", "p1", 0));
      ticker.advance(Duration.ofSeconds(20));
      CompletableFuture<Void> cleanUp = CompletableFuture.runAsync(farewell::cleanUp);
      cleanUp.get(10, TimeUnit.SECONDS);
      assertThat(released.keys()).containsExactly("other");

      unblock.countDown();
      releasing.join();
      assertThat(released.keys()).containsExactlyInAnyOrder("other", "slow");
    } finally {
      unblock.countDown();
      farewell.close();
    }
  }

  @Test
  @Timeout(30)
  void aReleaseActionMayCallTheEngineEvenWithASameThreadExecutor() {
    AtomicReference<Farewell> engine = new AtomicReference<>();
    List<SignalResult> tracked = new CopyOnWriteArrayList<>();
    Farewell farewell =
        Farewell.newBuilder()
            .ticker(ticker)
            .releaseExecutor(Runnable::run)
            .releaseAction(
                release -> {
                  // the application serves the user a fresh session under the same key
                  tracked.add(engine.get().track(release.sessionKey()));
                  return CompletableFuture.completedFuture(null);
                })
            .onRelease(released)
            .onReleaseFailure((release, cause) -> failures.add(cause))
            .build();
    engine.set(farewell);
    try {
      farewell.signal(Signal.of(SignalType.OPEN, "expired", "p1", 0));
      farewell.track("explicit");
      ticker.advance(Duration.ofSeconds(20)); // "expired" is due; Caffeine evicts it
      farewell.cleanUp();
      assertThat(farewell.release("explicit")).isTrue();

      assertThat(failures).isEmpty();
      assertThat(released.keys()).containsExactlyInAnyOrder("expired", "explicit");
      assertThat(tracked).containsExactly(SignalResult.live(true), SignalResult.live(true));
      assertThat(farewell.size()).isEqualTo(2);
    } finally {
      farewell.close();
    }
  }
}
