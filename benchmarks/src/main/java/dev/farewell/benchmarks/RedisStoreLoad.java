package dev.farewell.benchmarks;

import dev.farewell.Farewell;
import dev.farewell.redis.RedisSessionStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Drives one engine node on the Redis store with the {@link SignalMix} from several threads and
 * returns signals per second. The engine keeps the timeouts of the engine figure, so no session is
 * released during the run.
 */
final class RedisStoreLoad {

  /** Signals per second, and how many sessions were released during the run (should be none). */
  record Load(double perSecond, long released) {}

  private RedisStoreLoad() {}

  static Load run(RedisTarget redis, String prefix, int sessions, int threads, Duration duration)
      throws InterruptedException {
    RedisSessionStore store =
        RedisSessionStore.newBuilder()
            .redisUri("redis://" + redis.host() + ":" + redis.port())
            .keyPrefix(prefix)
            .build();
    LongAdder released = new LongAdder();
    Farewell farewell =
        Farewell.newBuilder()
            .store(store)
            .onRelease(release -> released.increment())
            .heartbeatTimeout(EngineThroughputBenchmark.HEARTBEAT_TIMEOUT)
            .hiddenTimeout(EngineThroughputBenchmark.HIDDEN_TIMEOUT)
            .exitGrace(EngineThroughputBenchmark.EXIT_GRACE)
            .navigationGrace(EngineThroughputBenchmark.EXIT_GRACE.multipliedBy(2))
            .build();
    try (EngineTarget target = new EngineTarget(farewell)) {
      SignalMix mix = new SignalMix(sessions, 21);
      mix.warmUp(target, 22);
      LongAdder signals = new LongAdder();
      AtomicReference<RuntimeException> failure = new AtomicReference<>();
      long end = System.nanoTime() + duration.toNanos();
      long start = System.nanoTime();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        SignalMix.Cursor cursor = mix.cursor(t, threads, 23);
        Thread worker =
            new Thread(
                () -> {
                  try {
                    long count = 0;
                    while (System.nanoTime() < end) {
                      target.apply(cursor.next());
                      count++;
                    }
                    signals.add(count);
                  } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                  }
                },
                "redis-load-" + t);
        workers.add(worker);
        worker.start();
      }
      for (Thread worker : workers) {
        worker.join();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (failure.get() != null) {
        throw failure.get();
      }
      return new Load(signals.sum() / seconds, released.sum());
    }
  }
}
