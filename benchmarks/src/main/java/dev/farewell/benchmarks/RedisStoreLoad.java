package dev.farewell.benchmarks;

import dev.farewell.Farewell;
import dev.farewell.redis.RedisSessionStore;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import redis.clients.jedis.Jedis;

/**
 * Drives one engine node on the Redis store with the {@link SignalMix} from several threads and
 * returns signals per second. The engine keeps the timeouts of the engine figure, so no session is
 * released during the run.
 */
final class RedisStoreLoad {

  /**
   * Signals per second, how many sessions were released during the run (should be none), the
   * latency of a signal's call at the median and the 99th percentile, and what a signal cost: the
   * script calls Redis ran and its time in them (from {@code INFO commandstats}, so other clients'
   * scripts count too), and this process's CPU time, per signal.
   */
  record Load(double perSecond, long released, double p50Millis, double p99Millis,
      double callsPerSignal, double redisMicrosPerSignal, double cpuMicrosPerSignal) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%.0f/s (p50 %.3f ms, p99 %.3f ms, %d released; "
              + "per signal: %.3f script calls, %.2f us in Redis, %.2f us of this process's CPU)",
          perSecond, p50Millis, p99Millis, released, callsPerSignal, redisMicrosPerSignal,
          cpuMicrosPerSignal);
    }
  }

  /** Every how many calls a thread samples one's latency. */
  private static final int SAMPLE = 4;
  private static final int MAXIMUM_SAMPLES = 1 << 18;

  private RedisStoreLoad() {}

  static Load run(
      RedisTarget redis,
      String prefix,
      int sessions,
      int threads,
      Duration duration,
      boolean coalesce)
      throws InterruptedException {
    RedisSessionStore store =
        RedisSessionStore.newBuilder()
            .redisUri("redis://" + redis.host() + ":" + redis.port())
            .keyPrefix(prefix)
            .coalesceHeartbeats(coalesce)
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
      long[] scriptsBefore = scriptStats(redis);
      long cpuBefore = processCpuNanos();
      long end = System.nanoTime() + duration.toNanos();
      long start = System.nanoTime();
      List<Thread> workers = new ArrayList<>();
      long[][] latencies = new long[threads][];
      int[] sampled = new int[threads];
      for (int t = 0; t < threads; t++) {
        SignalMix.Cursor cursor = mix.cursor(t, threads, 23);
        int thread = t;
        latencies[t] = new long[MAXIMUM_SAMPLES / threads];
        Thread worker =
            new Thread(
                () -> {
                  try {
                    long count = 0;
                    long[] mine = latencies[thread];
                    int samples = 0;
                    while (System.nanoTime() < end) {
                      long before = System.nanoTime();
                      target.apply(cursor.next());
                      if (count % SAMPLE == 0 && samples < mine.length) {
                        mine[samples++] = System.nanoTime() - before;
                      }
                      count++;
                    }
                    sampled[thread] = samples;
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
      double cpuMicros = (processCpuNanos() - cpuBefore) / 1e3;
      long[] scriptsAfter = scriptStats(redis);
      if (failure.get() != null) {
        throw failure.get();
      }
      double count = Math.max(1, signals.sum());
      long[] all = new long[Arrays.stream(sampled).sum()];
      for (int t = 0, at = 0; t < threads; at += sampled[t], t++) {
        System.arraycopy(latencies[t], 0, all, at, sampled[t]);
      }
      Arrays.sort(all);
      return new Load(signals.sum() / seconds, released.sum(), percentile(all, 0.50),
          percentile(all, 0.99), (scriptsAfter[0] - scriptsBefore[0]) / count,
          (scriptsAfter[1] - scriptsBefore[1]) / count, cpuMicros / count);
    }
  }

  /** Redis's {@code EVALSHA} calls and microseconds in them so far. */
  private static long[] scriptStats(RedisTarget redis) {
    try (Jedis jedis = redis.connect()) {
      for (String line : jedis.info("commandstats").split("\r?\n")) {
        if (line.startsWith("cmdstat_evalsha:")) {
          long calls = 0;
          long micros = 0;
          for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
            String[] pair = field.split("=");
            if (pair[0].equals("calls")) {
              calls = Long.parseLong(pair[1]);
            } else if (pair[0].equals("usec")) {
              micros = Long.parseLong(pair[1]);
            }
          }
          return new long[] {calls, micros};
        }
      }
    }
    return new long[2];
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static double percentile(long[] sorted, double fraction) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * fraction))] / 1e6;
  }
}
