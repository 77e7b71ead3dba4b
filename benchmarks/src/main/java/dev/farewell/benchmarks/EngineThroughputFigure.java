package dev.farewell.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Figure 1 (engine throughput): runs {@link EngineThroughputBenchmark} under JMH and compares
 * Farewell with the {@code ConcurrentHashMap} baseline, on 1 and 2 threads. Each target runs in
 * forks of its own; in a full run the two take turns (Farewell, baseline, baseline, Farewell) and
 * each one's score is the mean of its forks, so that a change in the machine's load during the run
 * falls on both. Target: Farewell at least 0.5x the baseline.
 */
final class EngineThroughputFigure implements Figure {

  static final double TARGET_RATIO = 0.5;
  static final int SESSIONS = 100_000;
  static final int QUICK_SESSIONS = 20_000;

  @Override
  public List<Row> run(Settings settings) throws Exception {
    List<Row> rows = new ArrayList<>();
    int sessions = settings.quick() ? QUICK_SESSIONS : SESSIONS;
    int rounds = settings.quick() ? 1 : 2;
    for (int threads : new int[] {1, 2}) {
      double farewell = 0;
      double baseline = 0;
      for (int round = 0; round < rounds; round++) {
        String[] order =
            (round % 2 == 0)
                ? new String[] {"farewell", "baseline"}
                : new String[] {"baseline", "farewell"};
        for (String target : order) {
          double score = score(settings, target, sessions, threads, round);
          if (target.equals("farewell")) {
            farewell += score / rounds;
          } else {
            baseline += score / rounds;
          }
        }
      }
      rows.add(
          new Row(
              String.format(
                  Locale.ROOT,
                  "engine signals/s, %d %s, %dk sessions",
                  threads,
                  threads == 1 ? "thread" : "threads",
                  sessions / 1000),
              Row.perSecond(farewell),
              Row.perSecond(baseline),
              Row.ratio(farewell, baseline),
              ">= " + TARGET_RATIO + "x",
              Row.verdict(farewell >= TARGET_RATIO * baseline)));
    }
    return rows;
  }

  private static double score(
      Settings settings, String target, int sessions, int threads, int round)
      throws RunnerException {
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include(EngineThroughputBenchmark.class.getName() + ".signal")
            .param("target", target)
            .param("sessions", Integer.toString(sessions))
            .threads(threads)
            .forks(1)
            .jvmArgs("-Xms1g", "-Xmx1g")
            .shouldFailOnError(true)
            .output(
                settings
                    .workDir()
                    .resolve(
                        String.format(
                            Locale.ROOT, "engine-%s-%dt-round%d.log", target, threads, round))
                    .toString());
    if (settings.quick()) {
      options
          .warmupIterations(1)
          .warmupTime(TimeValue.milliseconds(500))
          .measurementIterations(1)
          .measurementTime(TimeValue.seconds(1));
    } else {
      options
          .warmupIterations(3)
          .warmupTime(TimeValue.seconds(1))
          .measurementIterations(4)
          .measurementTime(TimeValue.seconds(1));
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    for (RunResult result : results) {
      return result.getPrimaryResult().getScore();
    }
    throw new IllegalStateException("JMH gave no result for " + target);
  }
}
