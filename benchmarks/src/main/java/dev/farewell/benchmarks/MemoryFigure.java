package dev.farewell.benchmarks;

import dev.farewell.Farewell;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Figure 2 (memory): retained heap per live session, one page and three pages, against the same
 * session ids held in a plain {@code ConcurrentHashMap<String, Long>} (id to deadline). Each value
 * is taken in a fresh JVM with the serial collector: used heap after full collections with the
 * sessions held, minus the same before they were created. Target: at most 250 bytes per one-page
 * session beyond the baseline.
 */
final class MemoryFigure implements Figure {

  static final int TARGET_BYTES = 250;
  private static final long SEED = 20_261_121;
  private static final Duration LONG = Duration.ofHours(1);

  @Override
  public List<Row> run(Settings settings) throws Exception {
    int sessions = settings.quick() ? 100_000 : 1_000_000;
    String heap = settings.quick() ? "-Xmx1g" : "-Xmx4g";
    double baseline = measureInFreshJvm(settings, "baseline", sessions, heap);
    double onePage = measureInFreshJvm(settings, "farewell-1", sessions, heap);
    double threePages = measureInFreshJvm(settings, "farewell-3", sessions, heap);
    String count = (sessions >= 1_000_000) ? (sessions / 1_000_000) + "M" : (sessions / 1000) + "k";
    List<Row> rows = new ArrayList<>();
    rows.add(
        new Row(
            "heap per session, 1 page, " + count + " sessions",
            bytes(onePage),
            bytes(baseline),
            String.format(Locale.ROOT, "+%.0f B", onePage - baseline),
            "<= +" + TARGET_BYTES + " B",
            Row.verdict(onePage - baseline <= TARGET_BYTES)));
    rows.add(
        new Row(
            "heap per session, 3 pages, " + count + " sessions",
            bytes(threePages),
            bytes(baseline),
            String.format(Locale.ROOT, "+%.0f B", threePages - baseline),
            "(none)",
            Row.Verdict.INFO));
    return rows;
  }

  private static String bytes(double value) {
    return String.format(Locale.ROOT, "%.0f B", value);
  }

  private static double measureInFreshJvm(
      Settings settings, String mode, int sessions, String heap)
      throws IOException, InterruptedException {
    Path log = settings.workDir().resolve("memory-" + mode + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    command.add(heap);
    command.add("-Xms" + heap.substring("-Xmx".length()));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Child.class.getName());
    command.add(mode);
    command.add(Integer.toString(sessions));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("memory figure " + mode + " took over 5 minutes; see " + log);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          "memory figure " + mode + " failed (exit " + process.exitValue() + "): " + output);
    }
    for (String line : output.split("\n")) {
      if (line.startsWith("BYTES_PER_SESSION ")) {
        return Double.parseDouble(line.substring("BYTES_PER_SESSION ".length()).trim());
      }
    }
    throw new IllegalStateException("memory figure " + mode + " printed no result: " + output);
  }

  /** The measuring JVM: {@code Child baseline|farewell-1|farewell-3 SESSIONS}. */
  public static final class Child {
    private Child() {}

    public static void main(String[] args) throws Exception {
      String mode = args[0];
      int sessions = Integer.parseInt(args[1]);
      SplittableRandom random = new SplittableRandom(SEED);
      Object held;
      long before;
      long after;
      if (mode.equals("baseline")) {
        ConcurrentHashMap<String, Long> map = new ConcurrentHashMap<>();
        before = HeapMeter.usedAfterGc();
        long deadline = System.nanoTime() + LONG.toNanos();
        for (int i = 0; i < sessions; i++) {
          map.put(SessionIds.next(random), deadline + i);
        }
        after = HeapMeter.usedAfterGc();
        if (map.size() != sessions) {
          throw new IllegalStateException("expected " + sessions + " ids, held " + map.size());
        }
        held = map;
      } else {
        int pages = Integer.parseInt(mode.substring("farewell-".length()));
        Farewell farewell =
            Farewell.newBuilder()
                .heartbeatTimeout(LONG)
                .hiddenTimeout(LONG)
                .openTimeout(LONG)
                .maximumSessions(2L * sessions)
                .build();
        farewell.track(SessionIds.next(new SplittableRandom(1))); // load the classes first
        farewell.release(SessionIds.next(new SplittableRandom(1)));
        before = HeapMeter.usedAfterGc();
        for (int i = 0; i < sessions; i++) {
          String key = SessionIds.next(random);
          expectLive(farewell.track(key), key);
          for (int p = 0; p < pages; p++) {
            String page = SessionIds.next(random, 16);
            expectLive(farewell.signal(Signal.of(SignalType.OPEN, key, page, 1)), key);
          }
        }
        after = HeapMeter.usedAfterGc();
        if (farewell.size() != sessions) {
          throw new IllegalStateException(
              "expected " + sessions + " live sessions, engine holds " + farewell.size());
        }
        held = farewell;
      }
      System.out.printf(
          Locale.ROOT,
          "mode %s sessions %d used before %d after %d%nBYTES_PER_SESSION %.1f%n",
          mode,
          sessions,
          before,
          after,
          (after - before) / (double) sessions);
      Reference.reachabilityFence(held);
    }

    private static void expectLive(SignalResult result, String key) {
      if (result.status() != SignalResult.Status.LIVE) {
        throw new IllegalStateException("session " + key + " answered " + result);
      }
    }
  }
}
