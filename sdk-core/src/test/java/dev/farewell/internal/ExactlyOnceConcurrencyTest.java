package dev.farewell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.SessionView;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import dev.farewell.testing.CollectingReleaseListener;
import dev.farewell.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * Real threads and the store's real timer: signals, explicit releases, Caffeine's maintenance and
 * {@code close()} racing. Every session is released exactly once and none is lost.
 */
class ExactlyOnceConcurrencyTest {

  private static final int PARKED_SESSIONS = 20_000;

  /**
   * Sessions whose check time has passed but which are not due (a page went hidden) are parked and
   * put back by the timer's maintenance, and Caffeine's iterators skip them meanwhile: close with
   * release-on-close must release every one of them all the same.
   */
  @RepeatedTest(8)
  @Timeout(120)
  void releaseOnCloseReleasesEverySessionWhileTheMaintenanceParksAndPutsThemBack()
      throws Exception {
    FakeTicker ticker = new FakeTicker();
    CollectingReleaseListener released = new CollectingReleaseListener();
    CaffeineSessionStore store = new CaffeineSessionStore();
    Farewell farewell =
        Farewell.newBuilder()
            .ticker(ticker)
            .store(store)
            .releaseOnClose(true)
            .releaseExecutor(Runnable::run)
            .onRelease(released)
            .build();
    startParkedSessions(farewell, ticker);

    try (Maintenance maintenance = new Maintenance(store)) {
      farewell.close();
    }

    assertThat(released.releasedMoreThanOnce()).isEmpty();
    assertThat(released.size()).isEqualTo(PARKED_SESSIONS);
    assertThat(released.releases()).extracting(Release::reason).containsOnly(ReleaseReason.SHUTDOWN);
    assertThat(farewell.size()).isZero();
  }

  /** The same for the dashboard's snapshot: every live session is listed, once. */
  @RepeatedTest(4)
  @Timeout(120)
  void snapshotListsEverySessionWhileTheMaintenanceParksAndPutsThemBack() throws Exception {
    FakeTicker ticker = new FakeTicker();
    CaffeineSessionStore store = new CaffeineSessionStore();
    try (Farewell farewell = Farewell.newBuilder().ticker(ticker).store(store).build()) {
      startParkedSessions(farewell, ticker);
      List<SessionView> snapshot;
      try (Maintenance maintenance = new Maintenance(store)) {
        snapshot = farewell.snapshot();
      }
      Set<String> keys = new HashSet<>();
      for (SessionView view : snapshot) {
        keys.add(view.sessionKey());
      }
      assertThat(snapshot).hasSize(PARKED_SESSIONS);
      assertThat(keys).hasSize(PARKED_SESSIONS);
    }
  }

  private static void startParkedSessions(Farewell farewell, FakeTicker ticker) {
    for (int i = 0; i < PARKED_SESSIONS; i++) {
      farewell.signal(Signal.of(SignalType.OPEN, "s" + i, "p", 0));
      farewell.signal(Signal.of(SignalType.HIDDEN, "s" + i, "p", 1));
    }
    // past the check time of a visible page (15 s, rounded up), long before the hidden one's
    ticker.advance(Duration.ofSeconds(20));
  }

  /** The timer's maintenance run over and over on a thread of its own, until closed. */
  private static final class Maintenance implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    Maintenance(CaffeineSessionStore store) throws InterruptedException {
      CountDownLatch running = new CountDownLatch(1);
      thread =
          new Thread(
              () -> {
                running.countDown();
                while (!stop.get()) {
                  store.runMaintenance();
                }
              });
      thread.start();
      running.await();
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join();
    }
  }

  /**
   * Pages beating, hiding, exiting and coming back, explicit releases, the real timer releasing
   * by time, then close with release-on-close while all of it goes on: every session started is
   * released exactly once, and an explicit release that said true released it.
   */
  @RepeatedTest(20)
  @Timeout(120)
  void signalsReleasesTimerAndCloseRacingReleaseEverySessionExactlyOnce() throws Exception {
    int keys = 200;
    CollectingReleaseListener released = new CollectingReleaseListener();
    Farewell farewell =
        Farewell.newBuilder()
            .heartbeatInterval(Duration.ofMillis(10))
            .heartbeatTimeout(Duration.ofMillis(40))
            .hiddenTimeout(Duration.ofMillis(80))
            .exitGrace(Duration.ofMillis(15))
            .navigationGrace(Duration.ofMillis(30))
            .openTimeout(Duration.ofMillis(40))
            .releaseOnClose(true)
            .onRelease(released)
            .build();
    Set<String> started = ConcurrentHashMap.newKeySet();
    Map<String, Integer> explicitlyReleased = new ConcurrentHashMap<>();
    Map<String, AtomicLong> sequences = new ConcurrentHashMap<>();
    AtomicBoolean closed = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    CountDownLatch running = new CountDownLatch(3);
    for (int t = 0; t < 2; t++) {
      threads.add(
          new Thread(
              () -> {
                running.countDown();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (true) {
                  String key = "k" + random.nextInt(keys);
                  String page = "p" + random.nextInt(3);
                  long sequence =
                      sequences.computeIfAbsent(key + "/" + page, k -> new AtomicLong())
                          .incrementAndGet();
                  SignalType type = SignalType.values()[random.nextInt(SignalType.values().length)];
                  Signal signal =
                      new Signal(type, key, page, sequence, random.nextInt(4) == 0 && type != SignalType.EXIT,
                          type == SignalType.EXIT && random.nextBoolean());
                  SignalResult result = farewell.signal(signal);
                  if (result.status() == SignalResult.Status.CLOSED) {
                    return;
                  }
                  if (result.accepted()) {
                    started.add(key);
                  }
                }
              }));
    }
    threads.add(
        new Thread(
            () -> {
              running.countDown();
              ThreadLocalRandom random = ThreadLocalRandom.current();
              while (!closed.get()) {
                String key = "k" + random.nextInt(keys);
                if (farewell.release(key)) {
                  explicitlyReleased.merge(key, 1, Integer::sum);
                }
                Thread.onSpinWait();
              }
            }));
    threads.forEach(Thread::start);
    running.await();
    // let the timer release some sessions by time before closing
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> released.size() > 20 && started.size() > keys / 2);

    farewell.close();
    closed.set(true);
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(released.releasedMoreThanOnce()).isEmpty();
    assertThat(new HashSet<>(released.keys())).isEqualTo(started);
    assertThat(explicitlyReleased.values()).containsOnly(1);
    assertThat(released.keys()).containsAll(explicitlyReleased.keySet());
    assertThat(farewell.size()).isZero();
    assertThat(farewell.stats().actions().rejected()).isZero();
  }
}
