package dev.farewell.benchmarks;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Figure 6 (Redis): signals per second of one engine node on the Redis store, against one Redis,
 * with the {@link SignalMix}, from 2 and 64 caller threads (64 also with heartbeat coalescing off);
 * the baseline is a bare pipelined {@code ZADD} loop (one deadline write per signal, the least a
 * shared deadline set needs) from as many threads, in the same run. Also the latency of a signal
 * (p50/p99 of {@code Farewell.signal}) alone on one thread and under each load, and in the log
 * what a signal cost Redis and this process. With 2 threads the figure is bound by round trips:
 * each caller waits for the answer of its own written signal (one in five of the mix), while the
 * baseline's threads pipeline 100 commands per round trip; see docs/scaling.md.
 * Every run uses a fresh key prefix and deletes only its own keys; it never flushes.
 */
final class RedisFigure implements Figure {

  /** The thread counts measured: the figure's historical two, and a servlet container's pool. */
  static final int[] THREADS = {2, 64};
  static final int PIPELINE = 100;
  /** The target of the ratio against the pipelined {@code ZADD} baseline (issue 18). */
  static final double TARGET = 0.5;

  @Override
  public List<Row> run(Settings settings) throws Exception {
    RedisTarget redis = RedisTarget.fromEnvironment();
    redis.check();
    int sessions = settings.quick() ? 1_000 : 5_000;
    Duration duration = settings.quick() ? Duration.ofSeconds(1) : Duration.ofSeconds(8);
    String prefix = "farewell-bench:" + UUID.randomUUID() + ":";
    StringBuilder log = new StringBuilder();
    List<Row> rows = new ArrayList<>();
    try {
      RedisStoreLoad.Load lone =
          RedisStoreLoad.run(redis, prefix + "lone", sessions, 1, duration.dividedBy(2), true);
      log.append("1 thread: ").append(lone).append('\n');
      rows.add(latencyRow("Redis store signal latency p50/p99, 1 thread", lone));
      for (int threads : THREADS) {
        for (boolean coalesce : new boolean[] {true, false}) {
          if (!coalesce && threads != THREADS[THREADS.length - 1]) {
            continue;
          }
          double baseline =
              zaddLoop(redis, prefix + "zadd", sessions, threads, duration.dividedBy(2));
          RedisStoreLoad.Load load = RedisStoreLoad.run(
              redis, prefix + "store" + threads + coalesce, sessions, threads, duration, coalesce);
          double baselineAgain =
              zaddLoop(redis, prefix + "zadd", sessions, threads, duration.dividedBy(2));
          double bare = (baseline + baselineAgain) / 2;
          log.append(threads).append(" threads, coalescing ").append(coalesce ? "on" : "off")
              .append(": zadd ").append(baseline).append("/s, farewell ").append(load)
              .append(", zadd ").append(baselineAgain).append("/s\n");
          double ratio = bare == 0 ? 0 : load.perSecond() / bare;
          rows.add(
              new Row(
                  "Redis store signals/s, 1 node, " + threads + " threads"
                      + (coalesce ? "" : ", no coalescing")
                      + (threads <= 2 ? " (each caller waits for its round trip)" : ""),
                  Row.perSecond(load.perSecond())
                      + (load.released() == 0
                          ? ""
                          : " [" + load.released() + " sessions released during the run]"),
                  Row.perSecond(bare),
                  Row.ratio(load.perSecond(), bare),
                  coalesce ? String.format(Locale.ROOT, ">= %.1fx", TARGET) : "(none)",
                  coalesce ? Row.verdict(ratio >= TARGET) : Row.Verdict.INFO));
          if (coalesce) {
            rows.add(latencyRow("Redis store signal latency p50/p99, " + threads + " threads",
                load));
          }
        }
      }
      Files.writeString(settings.workDir().resolve("redis.log"), log.toString());
      return rows;
    } finally {
      deleteKeys(redis, prefix);
    }
  }

  private static Row latencyRow(String figure, RedisStoreLoad.Load load) {
    return new Row(
        figure,
        String.format(Locale.ROOT, "%.3f / %.3f ms", load.p50Millis(), load.p99Millis()),
        "-",
        "-",
        "(none)",
        Row.Verdict.INFO);
  }

  /** The baseline: {@code ZADD deadline session} per signal, pipelined, on every thread. */
  static double zaddLoop(
      RedisTarget redis, String key, int sessions, int threadCount, Duration duration)
      throws InterruptedException {
    String[] ids = SessionIds.generate(sessions, 99);
    LongAdder commands = new LongAdder();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    long end = System.nanoTime() + duration.toNanos();
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < threadCount; t++) {
      int thread = t;
      Thread worker =
          new Thread(
              () -> {
                try (Jedis jedis = redis.connect()) {
                  Pipeline pipeline = jedis.pipelined();
                  int i = thread;
                  while (System.nanoTime() < end) {
                    long deadline = System.currentTimeMillis() + 15_000;
                    for (int n = 0; n < PIPELINE; n++) {
                      pipeline.zadd(key, deadline, ids[i]);
                      i = (i + threadCount) % ids.length;
                    }
                    pipeline.sync();
                    commands.add(PIPELINE);
                  }
                  pipeline.close();
                } catch (RuntimeException e) {
                  failure.compareAndSet(null, e);
                }
              },
              "zadd-" + t);
      threads.add(worker);
      worker.start();
    }
    for (Thread worker : threads) {
      worker.join();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return commands.sum() / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * Deletes the keys of this run, found by SCAN on its own prefix (the baseline's keys start with
   * it, the store's with its hash tag, {@code {prefix...}}); never anything else.
   */
  static void deleteKeys(RedisTarget redis, String prefix) {
    try (Jedis jedis = redis.connect()) {
      for (String pattern : List.of(prefix + "*", "{" + prefix + "*")) {
        ScanParams match = new ScanParams().match(pattern).count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
          ScanResult<String> page = jedis.scan(cursor, match);
          if (!page.getResult().isEmpty()) {
            jedis.unlink(page.getResult().toArray(new String[0]));
          }
          cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
      }
    } catch (RuntimeException e) {
      System.err.println("could not delete the keys under " + prefix + ": " + e.getMessage());
    }
  }
}
