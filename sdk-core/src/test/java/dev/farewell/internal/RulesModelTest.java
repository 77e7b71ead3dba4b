package dev.farewell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.SessionView;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import dev.farewell.internal.RulesModel.ModelRelease;
import dev.farewell.spi.SessionStore;
import dev.farewell.spi.StoreContext;
import dev.farewell.testing.FakeTicker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Random histories run against the engine (in-memory store, fake ticker, no timer thread) and
 * against {@link RulesModel}, the rules of docs/architecture.md as plain code. Every answer, every
 * session count and every release (session, reason, attributes, due and release times) must be the
 * same, so no session is released twice, lost, or released while a page beats. A failing history
 * is shrunk to a small counter-example, printed with the seed that reproduces it
 * ({@code -Dfarewell.model.seed=...}, {@code -Dfarewell.model.histories=...}).
 */
class RulesModelTest {

  private static final long SECOND = 1_000_000_000L;
  private static final int SESSIONS = 3;
  /** How many states of the model a history may keep open at once (see run()). */
  private static final int MAXIMUM_MODEL_STATES = 16;
  private static final int PAGES = 4;
  private static final String[] PAGE_IDS = {
    "0c1b9d4e-0000-4000-8000-000000000000", "p1", "5a5a5a5a-1111-4111-9111-111111111111", "p3"
  };

  enum Kind {
    SIGNAL,
    TRACK,
    RELEASE,
    ADVANCE,
    CLEAN_UP,
    CLOSE
  }

  /** One step of a history; the advance of time is resolved against the model when it runs. */
  record Op(
      Kind kind,
      int session,
      int page,
      SignalType type,
      int sequenceMode,
      boolean hidden,
      boolean navigation,
      boolean attributes,
      int advanceMode,
      long amount) {

    @Override
    public String toString() {
      String key = "s" + session;
      return switch (kind) {
        case SIGNAL ->
            type + " " + key + "/p" + page
                + (sequenceMode == 0 ? "" : sequenceMode == 1 ? " (duplicate)" : " (delayed)")
                + (hidden ? " hidden" : "") + (navigation ? " nav" : "");
        case TRACK -> "track " + key + (attributes ? " with attributes" : "");
        case RELEASE -> "release " + key;
        case ADVANCE ->
            switch (advanceMode) {
              case 0 -> "advance " + amount + " ms";
              case 1 -> "advance " + amount + " s";
              default -> "advance to coming time #" + amount + (advanceMode == 2 ? " - 1 ns"
                  : advanceMode == 3 ? "" : " + 1 ns");
            };
        case CLEAN_UP -> "clean up";
        case CLOSE -> "close";
      };
    }
  }

  record History(RulesModel.Rules rules, boolean releaseOnClose, List<Op> ops) {}

  @Test
  void randomHistoriesReleaseExactlyWhatTheModelReleases() throws Exception {
    int histories = Integer.getInteger("farewell.model.histories", 100_000);
    long seed = Long.getLong("farewell.model.seed", new Random().nextLong());
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    AtomicInteger next = new AtomicInteger();
    AtomicReference<String> failure = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicLong cpuNanos = new java.util.concurrent.atomic.AtomicLong();
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(
            pool.submit(
                () -> {
                  long cpuStart = threadCpuNanos();
                  for (int i = next.getAndIncrement();
                      i < histories && failure.get() == null;
                      i = next.getAndIncrement()) {
                    History history = generate(new Random(seed + i));
                    String mismatch = run(history);
                    if (mismatch != null) {
                      failure.compareAndSet(null, report(seed + i, shrink(history)));
                    }
                  }
                  cpuNanos.addAndGet(threadCpuNanos() - cpuStart);
                }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.printf(
        "RulesModelTest: %d histories (seed %d) in %d ms on %d threads, %d ms of CPU%n",
        Math.min(next.get(), histories), seed, (System.nanoTime() - started) / 1_000_000, threads,
        cpuNanos.get() / 1_000_000);
    assertThat(failure.get()).as("counter-example").isNull();
  }

  private static long threadCpuNanos() {
    java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
    return bean.isCurrentThreadCpuTimeSupported() ? bean.getCurrentThreadCpuTime() : 0;
  }

  // ---- generation ----

  static History generate(Random random) {
    RulesModel.Rules rules =
        new RulesModel.Rules(
            15 * SECOND,
            (random.nextBoolean() ? 150 : 15) * SECOND,
            (random.nextInt(4) == 0 ? 12 : 3) * SECOND,
            (random.nextInt(4) == 0 ? 2 : 10) * SECOND,
            (random.nextBoolean() ? 30 : 15) * SECOND,
            (random.nextBoolean() ? 600 : 60) * SECOND,
            new int[] {1, 2, 3, 16}[random.nextInt(4)],
            new long[] {1, 2, 1000}[random.nextInt(3)],
            random.nextInt(3) == 0 ? 1 + random.nextInt(3) : 100_000);
    int length = 1 + random.nextInt(60);
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      ops.add(randomOp(random));
    }
    return new History(rules, random.nextBoolean(), ops);
  }

  private static Op randomOp(Random random) {
    int roll = random.nextInt(100);
    int session = random.nextInt(SESSIONS);
    if (roll < 55) {
      SignalType type = SignalType.values()[random.nextInt(SignalType.values().length)];
      int sequenceMode = random.nextInt(10) < 8 ? 0 : 1 + random.nextInt(2);
      boolean hidden = random.nextInt(4) == 0;
      boolean navigation = type == SignalType.EXIT && random.nextBoolean();
      return new Op(Kind.SIGNAL, session, random.nextInt(PAGES), type, sequenceMode, hidden,
          navigation, false, 0, 0);
    }
    if (roll < 65) {
      return new Op(Kind.TRACK, session, 0, null, 0, false, false, random.nextBoolean(), 0, 0);
    }
    if (roll < 69) {
      return new Op(Kind.RELEASE, session, 0, null, 0, false, false, false, 0, 0);
    }
    if (roll < 79) {
      int mode = random.nextInt(5);
      long amount =
          switch (mode) {
            case 0 -> 1 + random.nextInt(3_000);
            case 1 -> 1 + random.nextInt(200);
            default -> random.nextInt(3);
          };
      return new Op(Kind.ADVANCE, 0, 0, null, 0, false, false, false, mode, amount);
    }
    if (roll < 99) {
      // not after every advance: calls must also meet sessions past their deadline, not released
      return new Op(Kind.CLEAN_UP, 0, 0, null, 0, false, false, false, 0, 0);
    }
    return new Op(Kind.CLOSE, 0, 0, null, 0, false, false, false, 0, 0);
  }

  // ---- running ----

  /** Runs a history; returns null if the engine did what the model did, else what differed. */
  static String run(History history) {
    RulesModel.Rules rules = history.rules();
    RulesModel initial = new RulesModel(rules);
    FakeTicker ticker = new FakeTicker();
    List<Release> released = new ArrayList<>();
    Farewell farewell =
        Farewell.newBuilder()
            .ticker(ticker)
            .releaseExecutor(Runnable::run)
            .heartbeatInterval(Duration.ofSeconds(5))
            .heartbeatTimeout(Duration.ofNanos(rules.heartbeat()))
            .hiddenTimeout(Duration.ofNanos(rules.hidden()))
            .exitGrace(Duration.ofNanos(rules.exitGrace()))
            .navigationGrace(Duration.ofNanos(rules.navigationGrace()))
            .openTimeout(Duration.ofNanos(rules.open()))
            .tombstoneTtl(Duration.ofNanos(rules.tombstoneTtl()))
            .maximumPagesPerSession(rules.maximumPages())
            .maximumSessions(rules.maximumSessions())
            .maximumTombstones(rules.maximumTombstones())
            .releaseOnClose(history.releaseOnClose())
            .store(new RecordingStore(new CaffeineSessionStore(false), released))
            .build();
    Map<String, Long> sequences = new HashMap<>();
    Instant[] anchor = new Instant[1];
    // The states the model may be in: the engine's order of events inside one call is not always
    // known (see orders()), so every placement that matched is kept until later steps tell.
    List<RulesModel> models = new ArrayList<>(List.of(initial));
    try {
      List<Op> ops = new ArrayList<>(history.ops());
      ops.add(new Op(Kind.CLOSE, 0, 0, null, 0, false, false, false, 0, 0));
      for (int step = 0; step < ops.size(); step++) {
        Op op = ops.get(step);
        String key = "s" + op.session();
        String where = "step " + step + " (" + op + "): ";
        String actual;
        Function<RulesModel, String> modelOp;
        switch (op.kind()) {
          case SIGNAL -> {
            String page = PAGE_IDS[op.page()];
            String counter = key + "/" + page;
            long last = sequences.getOrDefault(counter, -1L);
            long sequence =
                switch (op.sequenceMode()) {
                  case 0 -> last + 1;
                  case 1 -> Math.max(0, last);
                  default -> Math.max(0, last - 2);
                };
            if (sequence > last) {
              sequences.put(counter, sequence);
            }
            Signal signal =
                new Signal(op.type(), key, page, sequence,
                    op.hidden() && op.type() != SignalType.EXIT, op.navigation());
            modelOp =
                m ->
                    String.valueOf(
                        m.signal(op.type(), key, page, sequence, signal.hidden(), op.navigation()));
            actual = String.valueOf(farewell.signal(signal));
          }
          case TRACK -> {
            Map<String, String> attributes =
                op.attributes() ? Map.of("step", String.valueOf(step)) : Map.of();
            modelOp = m -> String.valueOf(m.track(key, attributes));
            actual = String.valueOf(farewell.track(key, attributes));
          }
          case RELEASE -> {
            modelOp = m -> String.valueOf(m.release(key));
            actual = String.valueOf(farewell.release(key));
          }
          case ADVANCE -> {
            long nanos = advance(op, models.get(0));
            ticker.advance(Duration.ofNanos(nanos));
            modelOp =
                m -> {
                  m.advance(nanos);
                  return "";
                };
            actual = "";
          }
          case CLEAN_UP -> {
            farewell.cleanUp();
            List<String> order = keys(released);
            modelOp =
                m -> {
                  m.cleanUp(order);
                  return "";
                };
            actual = "";
          }
          case CLOSE -> {
            farewell.close();
            List<String> order = keys(released);
            modelOp =
                m -> {
                  m.close(history.releaseOnClose(), order);
                  return "";
                };
            actual = "";
          }
          default -> throw new AssertionError(op);
        }
        List<Release> got = new ArrayList<>(released);
        released.clear();
        String mismatch = null;
        List<RulesModel> matched = new ArrayList<>();
        List<List<String>> orders = orders(op, key, got);
        boolean copy = orders.size() > 1 || models.size() > 1;
        for (RulesModel model : models) {
          for (List<String> before : orders) {
            // The cache's maintenance may release other due sessions during any call, before or
            // after the call's own work: the model lets it, for sessions past their deadline only.
            RulesModel candidate = copy ? model.copy() : model;
            String candidateMismatch = step(candidate, modelOp, actual, got, before, op, key, anchor);
            if (candidateMismatch == null && candidate.size() != farewell.size()) {
              candidateMismatch =
                  "model holds " + candidate.size() + " sessions, engine " + farewell.size();
            }
            if (candidateMismatch == null) {
              if (matched.size() < MAXIMUM_MODEL_STATES) {
                matched.add(candidate);
              }
            } else if (mismatch == null) {
              mismatch = candidateMismatch;
            }
          }
        }
        if (matched.isEmpty()) {
          return where + mismatch;
        }
        models = matched;
      }
      return null;
    } catch (RuntimeException | AssertionError e) {
      return "the engine threw " + e;
    } finally {
      farewell.close();
    }
  }

  private static List<String> keys(List<Release> releases) {
    List<String> keys = new ArrayList<>();
    for (Release release : releases) {
      keys.add(release.sessionKey());
    }
    return keys;
  }

  /**
   * The ways to place the engine's releases of other sessions than the call's own around the
   * call in the model: a single null (run on the model itself) when there are none, else the
   * engine's own order around the call's key, all of them after, all of them before, and all of
   * them (the call's own due session too) before the call's work, in the engine's order.
   */
  private static List<List<String>> orders(Op op, String key, List<Release> got) {
    boolean ownKey = op.kind() == Kind.SIGNAL || op.kind() == Kind.TRACK || op.kind() == Kind.RELEASE;
    List<String> others = new ArrayList<>();
    List<String> engineBefore = new ArrayList<>();
    boolean seen = false;
    for (Release release : got) {
      if (!ownKey) {
        continue; // clean up and close release everything due themselves
      }
      if (release.sessionKey().equals(key)) {
        seen = true;
      } else {
        others.add(release.sessionKey());
        if (!seen) {
          engineBefore.add(release.sessionKey());
        }
      }
    }
    List<List<String>> orders = new ArrayList<>();
    if (others.isEmpty()) {
      orders.add(null);
      return orders;
    }
    orders.add(engineBefore);
    orders.add(List.of());
    orders.add(others);
    if (seen) {
      orders.add(keys(got)); // the call's own due session first, then the others, then the call
    }
    return orders;
  }

  /**
   * Runs one call on the model, with the other due sessions the engine released placed before
   * ({@code before}) or after it; returns null if the model then answers and releases as the
   * engine did, else what differed.
   */
  private static String step(
      RulesModel model, Function<RulesModel, String> modelOp, String actual, List<Release> got,
      List<String> beforeOrNull, Op op, String key, Instant[] anchor) {
    List<String> before = (beforeOrNull == null) ? List.of() : beforeOrNull;
    for (String other : before) {
      if (!model.releaseIfDue(other)) {
        return "engine released " + other + ", which the model holds live and not due";
      }
    }
    String expected = modelOp.apply(model);
    if (!expected.equals(actual)) {
      return "model answered " + expected + ", engine " + actual;
    }
    for (Release release : got) {
      String other = release.sessionKey();
      boolean own =
          (op.kind() == Kind.SIGNAL || op.kind() == Kind.TRACK || op.kind() == Kind.RELEASE)
              && other.equals(key);
      if (!own && !before.contains(other) && op.kind() != Kind.CLEAN_UP
          && op.kind() != Kind.CLOSE && !model.releaseIfDue(other)) {
        return "engine released " + other + ", which the model holds live and not due";
      }
    }
    return compare(model.takeReleases(), got, anchor);
  }

  /** How far an advance op moves time, given the model's coming deadlines. */
  private static long advance(Op op, RulesModel model) {
    switch (op.advanceMode()) {
      case 0:
        return op.amount() * 1_000_000L;
      case 1:
        return op.amount() * SECOND;
      default:
        List<Long> times = model.comingTimes();
        if (times.isEmpty()) {
          return SECOND;
        }
        long target = times.get((int) (op.amount() % times.size())) + (op.advanceMode() - 3);
        return Math.max(1, target - model.now());
    }
  }

  private static String compare(List<ModelRelease> expected, List<Release> actual, Instant[] anchor) {
    List<Release> sorted = new ArrayList<>(actual);
    sorted.sort(Comparator.comparing(Release::sessionKey));
    List<ModelRelease> sortedExpected = new ArrayList<>(expected);
    sortedExpected.sort(Comparator.comparing(ModelRelease::key));
    if (sorted.size() != sortedExpected.size()) {
      return "model released " + describe(sortedExpected) + ", engine " + sorted;
    }
    for (int i = 0; i < sorted.size(); i++) {
      Release release = sorted.get(i);
      ModelRelease model = sortedExpected.get(i);
      Instant at = release.releasedAt().minusNanos(model.releasedAt());
      if (anchor[0] == null) {
        anchor[0] = at;
      }
      boolean same =
          release.sessionKey().equals(model.key())
              && release.reason() == model.reason()
              && release.attributes().equals(model.attributes())
              && at.equals(anchor[0])
              && release.dueAt().equals(anchor[0].plusNanos(model.dueAt()))
              && release.trackedAt().equals(anchor[0].plusNanos(model.trackedAt()))
              && release.lastSignalAt().equals(anchor[0].plusNanos(model.lastSignalAt()));
      if (!same) {
        return "model released " + describe(sortedExpected) + ", engine "
            + describe(sorted, anchor[0]);
      }
    }
    return null;
  }

  private static String describe(List<ModelRelease> releases) {
    List<String> out = new ArrayList<>();
    for (ModelRelease r : releases) {
      out.add(r.key() + " " + r.reason() + " " + r.attributes() + " tracked " + ms(r.trackedAt())
          + " last signal " + ms(r.lastSignalAt()) + " due " + ms(r.dueAt()) + " at "
          + ms(r.releasedAt()));
    }
    return out.toString();
  }

  private static String describe(List<Release> releases, Instant anchor) {
    List<String> out = new ArrayList<>();
    for (Release r : releases) {
      out.add(r.sessionKey() + " " + r.reason() + " " + r.attributes() + " tracked "
          + ms(anchor, r.trackedAt()) + " last signal " + ms(anchor, r.lastSignalAt()) + " due "
          + ms(anchor, r.dueAt()) + " at " + ms(anchor, r.releasedAt()));
    }
    return out.toString();
  }

  private static String ms(long nanos) {
    return nanos / 1_000_000.0 + " ms";
  }

  private static String ms(Instant anchor, Instant instant) {
    return ms(Duration.between(anchor, instant).toNanos());
  }

  // ---- shrinking ----

  /** The smallest history found, by removing steps, that still fails. */
  static History shrink(History failing) {
    History smallest = failing;
    boolean progress = true;
    while (progress) {
      progress = false;
      for (int chunk = Math.max(1, smallest.ops().size() / 2); chunk >= 1; chunk /= 2) {
        for (int from = 0; from + chunk <= smallest.ops().size(); ) {
          List<Op> ops = new ArrayList<>(smallest.ops());
          ops.subList(from, from + chunk).clear();
          History candidate = new History(smallest.rules(), smallest.releaseOnClose(), ops);
          if (run(candidate) != null) {
            smallest = candidate;
            progress = true;
          } else {
            from++;
          }
        }
        if (chunk == 1) {
          break;
        }
      }
    }
    return smallest;
  }

  private static String report(long seed, History history) {
    StringBuilder out = new StringBuilder();
    out.append("history ").append(seed).append(" fails; shrunk to ")
        .append(history.ops().size()).append(" steps\n")
        .append(history.rules()).append(", releaseOnClose ").append(history.releaseOnClose())
        .append('\n');
    for (int i = 0; i < history.ops().size(); i++) {
      out.append("  ").append(i).append(": ").append(history.ops().get(i)).append('\n');
    }
    out.append("  then close\n").append(run(history));
    return out.toString();
  }

  /** The in-memory store, with every release it hands to the pipeline recorded first. */
  private static final class RecordingStore implements SessionStore {
    private final SessionStore store;
    private final List<Release> released;

    RecordingStore(SessionStore store, List<Release> released) {
      this.store = store;
      this.released = released;
    }

    @Override
    public void start(StoreContext context) {
      store.start(
          new StoreContext() {
            @Override
            public dev.farewell.spi.SessionRules rules() {
              return context.rules();
            }

            @Override
            public dev.farewell.Ticker ticker() {
              return context.ticker();
            }

            @Override
            public Instant toInstant(long tickerNanos) {
              return context.toInstant(tickerNanos);
            }

            @Override
            public void released(Release release) {
              released.add(release);
              context.released(release);
            }

            @Override
            public Duration closeTimeLeft() {
              return context.closeTimeLeft();
            }
          });
    }

    @Override
    public SignalResult apply(Signal signal) {
      return store.apply(signal);
    }

    @Override
    public SignalResult track(String sessionKey, Map<String, String> attributes) {
      return store.track(sessionKey, attributes);
    }

    @Override
    public boolean release(String sessionKey, ReleaseReason reason) {
      return store.release(sessionKey, reason);
    }

    @Override
    public Optional<SessionView> session(String sessionKey) {
      return store.session(sessionKey);
    }

    @Override
    public void forEachSession(Consumer<SessionView> consumer) {
      store.forEachSession(consumer);
    }

    @Override
    public long size() {
      return store.size();
    }

    @Override
    public void cleanUp() {
      store.cleanUp();
    }

    @Override
    public void close(boolean releaseAll) {
      store.close(releaseAll);
    }
  }
}
