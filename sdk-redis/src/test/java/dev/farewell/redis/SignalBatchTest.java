package dev.farewell.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalResult.Status;
import dev.farewell.SignalType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Signals of concurrent callers sent in batches ({@link SignalBatcher}), with a real Redis behind a
 * real TCP proxy: a batch whose connection fails in flight gives each of its callers, and those
 * queued behind it, the outage answer and keeps their signals, and concurrent signals of one page
 * never let an older one overwrite a newer one.
 */
class SignalBatchTest {

  private final String prefix = TestRedis.uniquePrefix();
  private RedisSessionStore store;

  private Farewell node(URI redis) {
    store = RedisSessionStore.newBuilder()
        .redisUri(redis)
        .keyPrefix(prefix)
        .sweepInterval(Duration.ofHours(1))
        .recoveryGrace(Duration.ofMillis(200))
        .closeTimeout(Duration.ofMillis(100))
        .coalesceHeartbeats(false)
        .build();
    return Farewell.newBuilder().onRelease(release -> { }).store(store).build();
  }

  @Test
  void batchWhoseRepliesAreLostGivesEveryCallerTheOutageAnswerAndKeepsItsSignal()
      throws Exception {
    URI redisUri = TestRedis.uri();
    int queued = 15;
    ExecutorService callers = Executors.newFixedThreadPool(queued + SignalBatcher.IN_FLIGHT);
    try (RedisProxy proxy = new RedisProxy(redisUri);
        RedisClient redis = RedisClient.create(redisUri);
        Farewell node = node(proxy.uri())) {
      node.signal(Signal.of(SignalType.OPEN, "warm", "p", 1));
      long batchesBefore = store.batcher.batches.sum();
      long scriptsBefore = store.batcher.signals.sum();

      // The first signals' batches are in flight (their replies held at the proxy) while the
      // others queue behind them.
      proxy.holdReplies();
      List<Future<SignalResult>> results = new ArrayList<>();
      for (int i = 0; i < SignalBatcher.IN_FLIGHT; i++) {
        String key = "first" + i;
        results.add(callers.submit(() -> node.signal(Signal.of(SignalType.OPEN, key, "p", 1))));
        long sent = batchesBefore + i + 1;
        await().atMost(Duration.ofSeconds(10)).until(() -> store.batcher.batches.sum() == sent);
      }
      CountDownLatch go = new CountDownLatch(1);
      for (int i = 1; i <= queued; i++) {
        String key = "k" + i;
        results.add(callers.submit(() -> {
          go.await();
          return node.signal(Signal.of(SignalType.OPEN, key, "p", 1));
        }));
      }
      go.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> store.batcher.waiting() == queued);

      // Redis runs every batch; every reply is lost with its connection.
      proxy.loseReplies();
      proxy.releaseReplies();
      for (Future<SignalResult> result : results) {
        assertThat(result.get()).as("the outage answer of an OPEN")
            .isEqualTo(SignalResult.live(true));
      }
      // The queued signals were not sent: the outage the batches in flight met answered them.
      assertThat(store.batcher.batches.sum() - batchesBefore).as("batches sent")
          .isEqualTo(SignalBatcher.IN_FLIGHT);
      assertThat(store.batcher.signals.sum() - scriptsBefore).isEqualTo(SignalBatcher.IN_FLIGHT);
      assertThat(store.isServing()).isFalse();
      assertThat(store.health().unwrittenSignals()).as("each signal kept for writing later")
          .isEqualTo(queued + SignalBatcher.IN_FLIGHT);

      proxy.restore();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        node.cleanUp();
        return store.isServing() && store.health().unwrittenSignals() == 0;
      });
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < SignalBatcher.IN_FLIGHT; i++) {
        keys.add("first" + i);
      }
      for (int i = 1; i <= queued; i++) {
        keys.add("k" + i);
      }
      for (String key : keys) {
        assertThat(redis.hget("{" + prefix + ":0}:s:" + key, "p:p"))
            .as("session %s written once Redis answered", key).startsWith("V,1,");
      }
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void concurrentSignalsOfOnePageLeaveTheNewestInRedis() throws Exception {
    URI redisUri = TestRedis.uri();
    int threads = 8;
    int perThread = 200;
    ExecutorService callers = Executors.newFixedThreadPool(threads);
    try (RedisClient redis = RedisClient.create(redisUri); Farewell node = node(redisUri)) {
      node.signal(Signal.of(SignalType.OPEN, "s", "p", 1));
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        done.add(callers.submit(() -> {
          go.await();
          for (int i = 0; i < perThread; i++) {
            long sequence = 2 + first + (long) i * threads;
            // Odd sequence numbers say hidden, even ones visible: the stored state tells which
            // signal was applied last.
            SignalResult result = node.signal(new Signal(SignalType.HEARTBEAT, "s", "p", sequence,
                sequence % 2 == 1, false));
            assertThat(result.status()).isEqualTo(Status.LIVE);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> future : done) {
        future.get();
      }
      long newest = 1 + (long) threads * perThread;
      assertThat(redis.hget("{" + prefix + ":0}:s:s", "p:p"))
          .startsWith((newest % 2 == 1 ? "H," : "V,") + newest + ",");
      assertThat(store.batcher.signals.sum()).as("every signal went through the batches")
          .isGreaterThan(1);
    } finally {
      callers.shutdownNow();
    }
  }
}
