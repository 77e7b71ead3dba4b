package dev.farewell.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.farewell.Farewell;
import dev.farewell.Signal;
import dev.farewell.SignalType;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Review probe: callers parked behind a signal batch in flight recheck every millisecond, so a
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
    ExecutorService callers = Executors.newFixedThreadPool(waiters + SignalBatcher.IN_FLIGHT);
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
      long cpuBefore = processCpuMillis();
      long wallBefore = System.nanoTime();
      Thread.sleep(window);
      long cpuAfter = processCpuMillis();
      long wall = System.nanoTime() - wallBefore;
      proxy.releaseReplies();
      System.out.printf("waiters' CPU %d ms over %d ms wall%n",
          cpuAfter - cpuBefore, wall / 1_000_000);
      assertThat(cpuAfter - cpuBefore).as("CPU ms burnt by %d parked waiters in %d ms", waiters,
          window).isLessThan(window / 10);
    } finally {
      callers.shutdownNow();
    }
  }

  /** This process's CPU time (user and system), from /proc (Linux), in milliseconds. */
  private static long processCpuMillis() throws java.io.IOException {
    String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
  }
}
