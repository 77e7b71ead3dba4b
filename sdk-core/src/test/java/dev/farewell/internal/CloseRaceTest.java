package dev.farewell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import dev.farewell.testing.CollectingReleaseListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;

/**
 * {@code close()} with release-on-close while other threads are starting sessions: every session
 * that a call reported as started is released with {@code SHUTDOWN}, exactly once, and none is
 * left behind.
 */
class CloseRaceTest {

  private static final int THREADS = 4;

  @RepeatedTest(20)
  void everySessionStartedBeforeCloseAnsweredIsReleasedOnClose() throws Exception {
    CollectingReleaseListener released = new CollectingReleaseListener();
    Farewell farewell =
        Farewell.newBuilder().releaseOnClose(true).releaseExecutor(Runnable::run)
            .onRelease(released).build();
    Set<String> started = ConcurrentHashMap.newKeySet();
    List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicInteger refused = new AtomicInteger();
    CountDownLatch running = new CountDownLatch(THREADS);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      Thread starter =
          new Thread(
              () -> {
                running.countDown();
                for (int i = 0; ; i++) {
                  String key = "s" + thread + "-" + i;
                  // half start through track, half are adopted through a signal
                  SignalResult result =
                      (i % 2 == 0)
                          ? farewell.track(key)
                          : farewell.signal(Signal.of(SignalType.OPEN, key, "page-0001", 0));
                  if (result.status() == SignalResult.Status.CLOSED) {
                    refused.incrementAndGet();
                    return;
                  }
                  if (result.equals(SignalResult.live(true))) {
                    started.add(key);
                  } else {
                    unexpected.add(key + ": " + result);
                  }
                }
              });
      threads.add(starter);
      starter.start();
    }
    running.await();
    Thread.sleep(5);

    farewell.close();
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(unexpected).isEmpty();
    assertThat(refused.get()).isEqualTo(THREADS);
    assertThat(started).isNotEmpty();
    assertThat(released.releasedMoreThanOnce()).isEmpty();
    assertThat(released.keys()).containsExactlyInAnyOrderElementsOf(started);
    assertThat(released.releases()).extracting(Release::reason).containsOnly(ReleaseReason.SHUTDOWN);
    assertThat(farewell.size()).isZero();
  }
}
