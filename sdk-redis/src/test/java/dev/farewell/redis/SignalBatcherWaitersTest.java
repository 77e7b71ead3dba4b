package dev.farewell.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.farewell.Farewell;
import dev.farewell.Signal;
import dev.farewell.SignalType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Callers parked behind a signal batch in flight must not recheck every millisecond, or a
 * Redis stall (up to the socket timeout) turns every waiting request thread into a 1 kHz poller.
 */
class SignalBatcherWaitersTest {

  private final String prefix = TestRedis.uniquePrefix();
  private RedisSessionStore store;

  private Farewell node(URI redis) {
    store = RedisSessionStore.newBuilder()
        .redisUri(redis)
        .keyPrefix(prefix)
        .sweepInterval(Duration.ofHours(1))
        .coalesceHeartbeats(false)
        .readTimeout(Duration.ofSeconds(3))
        .build();
    return Farewell.newBuilder().onRelease(release -> { }).store(store).build();
  }

  @Test
  void parkedWaitersBurnNoCpuWhileABatchIsInFlight() throws Exception {
    URI redisUri = TestRedis.uri();
    int waiters = 100;
    // The callers' own CPU time is measured, not the process's: JIT, GC and other tests' threads
    // of this JVM are no waiters.
    List<Thread> threads = new CopyOnWriteArrayList<>();
    ExecutorService callers = Executors.newFixedThreadPool(waiters + SignalBatcher.IN_FLIGHT,
        task -> {
          Thread thread = new Thread(task);
          threads.add(thread);
          return thread;
        });
    try (RedisProxy proxy = new RedisProxy(redisUri); Farewell node = node(proxy.uri())) {
      node.signal(Signal.of(SignalType.OPEN, "warm", "p", 1));
      long before = store.batcher.batches.sum();
      proxy.holdReplies();
      for (int i = 0; i < SignalBatcher.IN_FLIGHT; i++) {
        String key = "first" + i;
        callers.submit(() -> node.signal(Signal.of(SignalType.OPEN, key, "p", 1)));
        long sent = before + i + 1;
        await().atMost(Duration.ofSeconds(10)).until(() -> store.batcher.batches.sum() == sent);
      }
      // The held calls time out after the read timeout (3 s here): measure before that.
      long heldSince = System.nanoTime();
      for (int i = 0; i < waiters; i++) {
        String key = "w" + i;
        callers.submit(() -> {
          return node.signal(Signal.of(SignalType.OPEN, key, "p", 1));
        });
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> store.batcher.waiting() == waiters);
      Thread.sleep(200);
      long window = 2_800 - (System.nanoTime() - heldSince) / 1_000_000;
      assumeTrue(window >= 500, "the waiters took too long to queue on this machine");
      long cpuBefore = cpuMillis(threads);
      long wallBefore = System.nanoTime();
      Thread.sleep(window);
      long cpuAfter = cpuMillis(threads);
      long wall = System.nanoTime() - wallBefore;
      proxy.releaseReplies();
      System.out.printf("waiters' CPU %d ms over %d ms wall%n",
          cpuAfter - cpuBefore, wall / 1_000_000);
      // Each waiter looks again every 50 ms (a missed wake-up's bound): 100 of them cost about
      // 0.1 to 0.2 s of CPU in 2.4 s on a loaded 2-core machine; polling every millisecond, as
      // before, cost them half the window or more.
      assertThat(cpuAfter - cpuBefore).as("CPU ms burnt by %d parked waiters in %d ms", waiters,
          window).isLessThan(window / 4);
    } finally {
      callers.shutdownNow();
    }
  }

  /** The CPU time (user and system) of {@code threads}, in milliseconds. */
  private static long cpuMillis(List<Thread> threads) {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean.isThreadCpuTimeSupported(), "no thread CPU time on this JVM");
    long nanos = 0;
    for (Thread thread : threads) {
      nanos += Math.max(0, bean.getThreadCpuTime(thread.getId()));
    }
    return nanos / 1_000_000;
  }
}
