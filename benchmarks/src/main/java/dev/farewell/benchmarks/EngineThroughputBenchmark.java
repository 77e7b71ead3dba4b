package dev.farewell.benchmarks;

import dev.farewell.Farewell;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Figure 1: signals per second through the engine, against a {@code ConcurrentHashMap.compute}
 * baseline ({@link BaselineSessionTable}), over a fixed population of live sessions walking the
 * {@link SignalMix}. Run by {@link EngineThroughputFigure} on 1 and 2 threads.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EngineThroughputBenchmark {

  /** The engine's defaults, but a long exit grace: a reloading page must never lose its session. */
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(15);
  static final Duration HIDDEN_TIMEOUT = Duration.ofSeconds(150);
  static final Duration EXIT_GRACE = Duration.ofSeconds(30);

  /** The sessions and the target under test, shared by all threads. */
  @State(Scope.Benchmark)
  public static class Sessions {
    /** {@code farewell} or {@code baseline}. */
    @Param({"farewell", "baseline"})
    public String target;

    /** How many sessions are live throughout. */
    @Param({"100000"})
    public int sessions;

    SignalMix mix;
    SignalTarget table;

    /** Builds the target and brings every session to a random point of its cycle. */
    @Setup(Level.Trial)
    public void setUp() {
      mix = new SignalMix(sessions, 42);
      table = newTarget(target, sessions);
      mix.warmUp(table, 7);
      if (table.liveSessions() != sessions) {
        throw new IllegalStateException(
            "expected " + sessions + " live sessions after warm-up, found " + table.liveSessions());
      }
    }

    /** Fails the run if a session was lost on the way: the figure would not be the one claimed. */
    @TearDown(Level.Trial)
    public void tearDown() {
      long live = table.liveSessions();
      table.close();
      if (live != sessions) {
        throw new IllegalStateException(
            "expected " + sessions + " live sessions at the end, found " + live);
      }
    }
  }

  /** One thread's own share of the sessions. */
  @State(Scope.Thread)
  public static class Driver {
    SignalMix.Cursor cursor;

    /** Takes the sessions of this thread. */
    @Setup(Level.Trial)
    public void setUp(Sessions sessions, ThreadParams thread) {
      cursor = sessions.mix.cursor(thread.getThreadIndex(), thread.getThreadCount(), 11);
    }
  }

  /** One signal of the mix. */
  @Benchmark
  public Object signal(Sessions sessions, Driver driver) {
    return sessions.table.apply(driver.cursor.next());
  }

  static SignalTarget newTarget(String target, int sessions) {
    switch (target) {
      case "farewell":
        return new EngineTarget(
            Farewell.newBuilder()
                .heartbeatTimeout(HEARTBEAT_TIMEOUT)
                .hiddenTimeout(HIDDEN_TIMEOUT)
                .exitGrace(EXIT_GRACE)
                .navigationGrace(EXIT_GRACE.multipliedBy(2))
                .maximumSessions(Math.max(1_000_000, 2L * sessions))
                .build());
      case "baseline":
        return new BaselineSessionTable(sessions, HEARTBEAT_TIMEOUT, HIDDEN_TIMEOUT, EXIT_GRACE);
      default:
        throw new IllegalArgumentException("target must be farewell or baseline, was " + target);
    }
  }
}
