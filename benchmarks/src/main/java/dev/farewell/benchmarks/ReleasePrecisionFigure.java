package dev.farewell.benchmarks;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Figure 3 (release precision): how late each release comes after its deadline, for sessions
 * whose deadlines are spread over a few seconds. Two trials: sessions whose heartbeats stop
 * (released with {@code TIMEOUT} at the heartbeat timeout) and sessions whose only page exits
 * (released with {@code EXIT} after the grace). The delay is taken with this process's own clock:
 * from the moment before the signal was handed to the engine plus the timeout or grace, to the
 * moment the release callback runs, so it includes the hand-off to the release executor.
 *
 * <p>The baseline is one {@link ScheduledThreadPoolExecutor} task per session scheduled for the
 * same deadline in the same run: what a plain timer achieves on this machine at this load.
 * Targets: timeout p99 within 1.2 s (Caffeine's timer wheel ticks about every 1.07 s), exit p99
 * within 0.2 s.
 */
final class ReleasePrecisionFigure implements Figure {

  static final Duration TIMEOUT_TARGET = Duration.ofMillis(1200);
  static final Duration EXIT_TARGET = Duration.ofMillis(200);

  @Override
  public List<Row> run(Settings settings) throws Exception {
    int sessions = settings.quick() ? 10_000 : 100_000;
    Duration spread = settings.quick() ? Duration.ofSeconds(1) : Duration.ofSeconds(3);
    // the engine's defaults in full runs; shorter timeouts keep the smoke run short
    Duration interval = settings.quick() ? Duration.ofMillis(500) : Duration.ofSeconds(5);
    Duration timeout = settings.quick() ? Duration.ofSeconds(2) : Duration.ofSeconds(15);
    Duration grace = Duration.ofSeconds(3);

    Trial timeouts = new Trial(sessions, ReleaseReason.TIMEOUT, timeout);
    timeouts.run(spread, interval, grace);
    Trial exits = new Trial(sessions, ReleaseReason.EXIT, grace);
    exits.run(spread, interval, grace);

    String count = (sessions / 1000) + "k";
    List<Row> rows = new ArrayList<>();
    rows.add(timeouts.row("release delay after heartbeat timeout, " + count, TIMEOUT_TARGET));
    rows.add(exits.row("release delay after exit grace, " + count, EXIT_TARGET));
    Files.writeString(
        settings.workDir().resolve("precision.txt"),
        timeouts.details() + exits.details(),
        StandardCharsets.UTF_8);
    if (settings.plot() != null) {
      ReleaseDelayPlot.write(
          settings.plot(),
          List.of(
              new ReleaseDelayPlot.Panel(
                  "Heartbeats stop: release after the " + seconds(timeout) + " timeout",
                  timeouts.farewellDelays(),
                  timeouts.baselineDelays(),
                  TIMEOUT_TARGET),
              new ReleaseDelayPlot.Panel(
                  "Last page exits: release after the " + seconds(grace) + " grace",
                  exits.farewellDelays(),
                  exits.baselineDelays(),
                  EXIT_TARGET)),
          String.format(
              Locale.ROOT,
              "Release delay after the deadline, %,d sessions per trial, deadlines spread over %s",
              sessions,
              seconds(spread)));
    }
    return rows;
  }

  private static String seconds(Duration duration) {
    return (duration.toMillis() % 1000 == 0)
        ? duration.toSeconds() + " s"
        : String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }

  /** One trial: sessions, their deadlines by our clock, and when each release reached us. */
  static final class Trial {
    private final int sessions;
    private final ReleaseReason reason;
    private final Duration wait;
    private final long[] deadline;
    private final long[] releasedAt;
    private final long[] timerAt;
    private final long[] engineLateness;
    private final CountDownLatch released;
    private final CountDownLatch timers;
    private final AtomicInteger wrongReason = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();

    Trial(int sessions, ReleaseReason reason, Duration wait) {
      this.sessions = sessions;
      this.reason = reason;
      this.wait = wait;
      this.deadline = new long[sessions];
      this.releasedAt = new long[sessions];
      this.timerAt = new long[sessions];
      this.engineLateness = new long[sessions];
      this.released = new CountDownLatch(sessions);
      this.timers = new CountDownLatch(sessions);
    }

    private static String key(int index) {
      return "r" + index;
    }

    private void onRelease(Release release) {
      long now = System.nanoTime();
      int index = Integer.parseInt(release.sessionKey().substring(1));
      if (release.reason() != reason) {
        wrongReason.incrementAndGet();
      }
      if (releasedAt[index] != 0) {
        duplicates.incrementAndGet();
        return;
      }
      releasedAt[index] = now;
      engineLateness[index] = release.lateness().toNanos();
      released.countDown();
    }

    void run(Duration spread, Duration interval, Duration grace) throws InterruptedException {
      boolean exitTrial = reason == ReleaseReason.EXIT;
      Duration heartbeatTimeout = exitTrial ? Duration.ofSeconds(60) : wait;
      Farewell farewell =
          Farewell.newBuilder()
              .heartbeatInterval(interval)
              .heartbeatTimeout(heartbeatTimeout)
              .openTimeout(heartbeatTimeout.plusSeconds(15))
              .hiddenTimeout(heartbeatTimeout.multipliedBy(10))
              .exitGrace(grace)
              .maximumSessions(2L * sessions)
              .maximumPendingReleases(sessions + 1000)
              .onRelease(this::onRelease)
              .onReleaseFailure((release, failure) -> failures.incrementAndGet())
              .build();
      ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
      try {
        if (exitTrial) {
          for (int i = 0; i < sessions; i++) {
            expect(farewell.signal(Signal.of(SignalType.OPEN, key(i), "page" + i, 1)), i);
          }
        }
        long tick = TimeUnit.MILLISECONDS.toNanos(5);
        int batches = (int) Math.max(1, spread.toNanos() / tick);
        long start = System.nanoTime();
        for (int b = 0; b < batches; b++) {
          long due = start + b * tick;
          long early = due - System.nanoTime();
          if (early > 0) {
            LockSupport.parkNanos(early);
          }
          int from = (int) ((long) sessions * b / batches);
          int to = (int) ((long) sessions * (b + 1) / batches);
          for (int i = from; i < to; i++) {
            int index = i;
            long now = System.nanoTime();
            deadline[i] = now + wait.toNanos();
            Signal signal =
                exitTrial
                    ? Signal.of(SignalType.EXIT, key(i), "page" + i, 2)
                    : Signal.of(SignalType.OPEN, key(i), "page" + i, 1);
            expect(farewell.signal(signal), i);
            timer.schedule(
                () -> {
                  timerAt[index] = System.nanoTime();
                  timers.countDown();
                },
                deadline[i] - System.nanoTime(),
                TimeUnit.NANOSECONDS);
          }
        }
        long limit = wait.plus(spread).plusSeconds(15).toMillis();
        released.await(limit, TimeUnit.MILLISECONDS);
        timers.await(5, TimeUnit.SECONDS);
      } finally {
        timer.shutdownNow();
        farewell.close();
      }
    }

    private static void expect(SignalResult result, int index) {
      if (!result.accepted()) {
        throw new IllegalStateException("signal of session r" + index + " answered " + result);
      }
    }

    long[] farewellDelays() {
      return delays(releasedAt);
    }

    long[] baselineDelays() {
      return delays(timerAt);
    }

    private long[] delays(long[] at) {
      long[] out = new long[sessions];
      int n = 0;
      for (int i = 0; i < sessions; i++) {
        if (at[i] != 0) {
          out[n++] = at[i] - deadline[i];
        }
      }
      return Arrays.copyOf(out, n);
    }

    Row row(String figure, Duration target) {
      long[] farewell = farewellDelays();
      long[] baseline = baselineDelays();
      boolean complete =
          farewell.length == sessions
              && wrongReason.get() == 0
              && duplicates.get() == 0
              && failures.get() == 0;
      String farewellCell =
          (farewell.length == 0) ? "no release" : summary(new Percentiles(farewell));
      if (!complete) {
        farewellCell +=
            String.format(
                Locale.ROOT,
                " [released %d of %d, %d wrong reason, %d twice, %d failed]",
                farewell.length,
                sessions,
                wrongReason.get(),
                duplicates.get(),
                failures.get());
      }
      boolean met =
          complete && new Percentiles(farewell).at(99) <= target.toNanos();
      return new Row(
          figure,
          farewellCell,
          (baseline.length == 0) ? "-" : summary(new Percentiles(baseline)),
          "-",
          "p99 <= " + target.toMillis() + " ms",
          Row.verdict(met));
    }

    private static String summary(Percentiles p) {
      return String.format(
          Locale.ROOT,
          "p50 %s, p99 %s, max %s",
          Row.millis(p.at(50) / 1e6),
          Row.millis(p.at(99) / 1e6),
          Row.millis(p.max() / 1e6));
    }

    String details() {
      StringBuilder out = new StringBuilder();
      out.append(reason).append(" trial, ").append(sessions).append(" sessions\n");
      long[] farewell = farewellDelays();
      if (farewell.length > 0) {
        out.append("  farewell (our clock): ").append(summary(new Percentiles(farewell))).append('\n');
        long[] lateness = new long[farewell.length];
        int n = 0;
        for (int i = 0; i < sessions; i++) {
          if (releasedAt[i] != 0) {
            lateness[n++] = engineLateness[i];
          }
        }
        out.append("  farewell (Release.lateness, dueAt to releasedAt): ")
            .append(summary(new Percentiles(lateness)))
            .append('\n');
      }
      long[] baseline = baselineDelays();
      if (baseline.length > 0) {
        out.append("  one timer task per session: ")
            .append(summary(new Percentiles(baseline)))
            .append('\n');
      }
      return out.toString();
    }
  }

}
