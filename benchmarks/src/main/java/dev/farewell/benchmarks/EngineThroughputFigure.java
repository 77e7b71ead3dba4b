package dev.farewell.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Figure 1 (engine throughput): runs {@link EngineThroughputBenchmark} under JMH, one fork per
 * target and thread count, and compares Farewell with the {@code ConcurrentHashMap} baseline.
 * Target: Farewell at least 0.5x the baseline.
 */
final class EngineThroughputFigure implements Figure {

  static final double TARGET_RATIO = 0.5;
  static final int SESSIONS = 100_000;
  static final int QUICK_SESSIONS = 20_000;

  @Override
  public List<Row> run(Settings settings) throws Exception {
    List<Row> rows = new ArrayList<>();
    int sessions = settings.quick() ? QUICK_SESSIONS : SESSIONS;
    for (int threads : new int[] {1, 2}) {
      ChainedOptionsBuilder options =
          new OptionsBuilder()
              .include(EngineThroughputBenchmark.class.getName() + ".signal")
              .param("target", "farewell", "baseline")
              .param("sessions", Integer.toString(sessions))
              .threads(threads)
              .forks(1)
              .jvmArgs("-Xms1g", "-Xmx1g")
              .shouldFailOnError(true)
              .output(settings.workDir().resolve("engine-" + threads + "-threads.log").toString());
      if (settings.quick()) {
        options
            .warmupIterations(1)
            .warmupTime(TimeValue.milliseconds(500))
            .measurementIterations(1)
            .measurementTime(TimeValue.seconds(1));
      } else {
        options
            .warmupIterations(3)
            .warmupTime(TimeValue.seconds(2))
            .measurementIterations(5)
            .measurementTime(TimeValue.seconds(2));
      }
      Collection<RunResult> results = new Runner(options.build()).run();
      double farewell = score(results, "farewell");
      double baseline = score(results, "baseline");
      rows.add(
          new Row(
              "engine signals/s, " + threads + (threads == 1 ? " thread" : " threads")
                  + ", " + (sessions / 1000) + "k sessions",
              Row.perSecond(farewell),
              Row.perSecond(baseline),
              Row.ratio(farewell, baseline),
              ">= " + TARGET_RATIO + "x",
              Row.verdict(farewell >= TARGET_RATIO * baseline)));
    }
    return rows;
  }

  private static double score(Collection<RunResult> results, String target) {
    for (RunResult result : results) {
      if (target.equals(result.getParams().getParam("target"))) {
        return result.getPrimaryResult().getScore();
      }
    }
    throw new IllegalStateException("JMH gave no result for " + target);
  }
}
