package dev.farewell.redis;

import static dev.farewell.SignalType.EXIT;
import static dev.farewell.SignalType.HEARTBEAT;
import static dev.farewell.SignalType.HIDDEN;
import static dev.farewell.SignalType.OPEN;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Pages of many sessions talking to several engine nodes at random, as behind a load balancer
 * without affinity, in real time. Each session follows one of a few lives; the traffic records
 * when and why each must be released, and every release any node makes.
 */
final class Traffic implements AutoCloseable {

  static final long INTERVAL = 1_000;
  static final long TIMEOUT = 4_000;
  static final long HIDDEN_TIMEOUT = 6_000;
  static final long EXIT_GRACE = 1_000;
  static final long NAVIGATION_GRACE = 2_000;
  static final long OPEN_TIMEOUT = 4_000;
  /** A signal the driver sends later than this before its page's deadline is not sent. */
  static final long SAFETY = 300;

  /** When (at the earliest, epoch millis) and why a session must be released. */
  record Expected(ReleaseReason reason, long dueAt, boolean tracked) {}

  final Map<String, Expected> expected = new ConcurrentHashMap<>();
  final Map<String, List<Release>> releases = new ConcurrentHashMap<>();
  final Map<String, Integer> releasedBy = new ConcurrentHashMap<>();
  private final Map<String, String> lastSentAt = new ConcurrentHashMap<>();
  final Queue<String> problems = new ConcurrentLinkedQueue<>();
  final List<Farewell> nodes = new CopyOnWriteArrayList<>();
  final List<RedisSessionStore> stores = new CopyOnWriteArrayList<>();
  private final List<Boolean> alive = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService driver = Executors.newScheduledThreadPool(4);
  /**
   * Moments the whole JVM stood still (CPU starved, GC): a watch that should tick every 10 ms saw
   * a longer gap. Releases may be late by that much more; never early.
   */
  private final Queue<long[]> stalls = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor();
  private volatile long lastTick = System.currentTimeMillis();

  Traffic() {
    watch.scheduleAtFixedRate(() -> {
      long now = System.currentTimeMillis();
      if (now - lastTick > 100) {
        stalls.add(new long[] {lastTick, now});
      }
      lastTick = now;
    }, 10, 10, TimeUnit.MILLISECONDS);
  }

  private long stalledBetween(long from, long to) {
    long total = 0;
    for (long[] stall : stalls) {
      total += Math.max(0, Math.min(to, stall[1]) - Math.max(from, stall[0]));
    }
    return total;
  }
  final AtomicInteger finished = new AtomicInteger();
  /** Lives cut short because the test's own driver ran too late to keep their pages alive. */
  final AtomicInteger abandoned = new AtomicInteger();

  /** Adds a node built from {@code store}. */
  Farewell addNode(Function<RedisSessionStore.Builder, RedisSessionStore.Builder> store) {
    int index = nodes.size();
    RedisSessionStore built = store.apply(RedisSessionStore.newBuilder()).build();
    Farewell node = Farewell.newBuilder()
        .heartbeatInterval(Duration.ofMillis(INTERVAL))
        .heartbeatTimeout(Duration.ofMillis(TIMEOUT))
        .hiddenTimeout(Duration.ofMillis(HIDDEN_TIMEOUT))
        .exitGrace(Duration.ofMillis(EXIT_GRACE))
        .navigationGrace(Duration.ofMillis(NAVIGATION_GRACE))
        .openTimeout(Duration.ofMillis(OPEN_TIMEOUT))
        .onRelease(release -> {
          releases.computeIfAbsent(release.sessionKey(), k -> new CopyOnWriteArrayList<>())
              .add(release);
          releasedBy.put(release.sessionKey(), index);
        })
        .store(built)
        .build();
    nodes.add(node);
    stores.add(built);
    alive.add(true);
    return node;
  }

  void kill(int index) {
    alive.set(index, false);
  }

  /** Starts {@code count} sessions at random moments within {@code spreadMillis}. */
  void start(int count, long spreadMillis) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < count; i++) {
      Life life = new Life("s" + i, random.nextInt(7), random.nextInt(6));
      driver.schedule(life::step, random.nextLong(spreadMillis), TimeUnit.MILLISECONDS);
    }
  }

  private <T> T onAnyNode(Function<Farewell, T> call) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 10; attempt++) {
      // A balancer sends requests to live nodes only; picking a dead one is not an attempt.
      List<Integer> live = new ArrayList<>();
      for (int i = 0; i < nodes.size(); i++) {
        if (alive.get(i)) {
          live.add(i);
        }
      }
      if (live.isEmpty()) {
        break;
      }
      int index = live.get(ThreadLocalRandom.current().nextInt(live.size()));
      try {
        return call.apply(nodes.get(index));
      } catch (RuntimeException e) {
        last = e; // a node dying under the request: the balancer tries another
      }
    }
    throw new IllegalStateException("no node answered", last);
  }

  /** One session's life: a scenario, a number of heartbeats, and where it is in it. */
  private final class Life {
    private final String key;
    private final int scenario;
    private int beats;
    private int stage;
    private long sequence;
    private String page = "a";

    Life(String key, int scenario, int beats) {
      this.key = key;
      this.scenario = scenario;
      this.beats = beats;
    }

    void step() {
      try {
        long next = advance();
        if (next >= 0) {
          driver.schedule(this::step, next, TimeUnit.MILLISECONDS);
        } else {
          finished.incrementAndGet();
        }
      } catch (RuntimeException e) {
        problems.add(key + ": " + e);
        finished.incrementAndGet();
      }
    }

    /** Does the next thing; returns the delay to the one after, or -1 when the life is over. */
    private long advance() {
      if (stage == 0) {
        if (page.equals("b") && tooLate(EXIT_GRACE)) {
          return -1;
        }
        stage = 1;
        if (scenario == 4 || scenario == 6) {
          long trackedAt = System.currentTimeMillis();
          onAnyNode(node -> node.track(key, Map.of("id", key)));
          if (scenario == 6) {
            expected.put(key, new Expected(ReleaseReason.TIMEOUT, trackedAt + OPEN_TIMEOUT, true));
            return -1;
          }
        }
        return send(Signal.of(OPEN, key, page, ++sequence), TIMEOUT) ? INTERVAL : -1;
      }
      if (beats > 0 || scenario != 2) {
        if (tooLate(TIMEOUT)) {
          return -1;
        }
      }
      if (beats > 0) {
        beats--;
        return send(Signal.of(HEARTBEAT, key, page, ++sequence), TIMEOUT) ? INTERVAL : -1;
      }
      switch (scenario) {
        case 0 -> {
          expect(ReleaseReason.EXIT, EXIT_GRACE);
          exit(Signal.of(EXIT, key, page, ++sequence));
        }
        case 1 -> {
          expect(ReleaseReason.EXIT, NAVIGATION_GRACE);
          exit(Signal.of(EXIT, key, page, ++sequence).asNavigation());
        }
        case 2 -> expect(ReleaseReason.TIMEOUT, -1);
        case 3 -> {
          expect(ReleaseReason.TIMEOUT, HIDDEN_TIMEOUT);
          send(Signal.of(HIDDEN, key, page, ++sequence).withHidden(true), HIDDEN_TIMEOUT);
        }
        case 4 -> {
          expect(ReleaseReason.EXPLICIT, 0);
          if (!onAnyNode(node -> node.release(key)) && !reachedAfterDeadline(ReleaseReason.TIMEOUT)) {
            problems.add(key + ": release(key) of a live session answered false");
          }
        }
        case 5 -> {
          if (page.equals("a")) {
            exit(Signal.of(EXIT, key, page, ++sequence));
            lastSpan = EXIT_GRACE;
            page = "b";
            sequence = 0;
            beats = 1;
            stage = 0;
            return 100;
          }
          expect(ReleaseReason.EXIT, EXIT_GRACE);
          exit(Signal.of(EXIT, key, page, ++sequence));
        }
        default -> { }
      }
      return -1;
    }

    private long lastSent;
    /** How long after {@link #lastSent} the page's deadline lies. */
    private long lastSpan;

    /**
     * True when this step runs so late that the page's deadline (its last signal plus {@code
     * allowed}) has passed or nearly: the page is then as good as gone, and it must be released
     * at the deadline it had.
     */
    private boolean tooLate(long allowed) {
      if (System.currentTimeMillis() - lastSent < allowed - SAFETY) {
        return false;
      }
      abandoned.incrementAndGet();
      boolean exited = page.equals("b") && stage == 0;
      expected.put(key, new Expected(exited ? ReleaseReason.EXIT : ReleaseReason.TIMEOUT,
          lastSent + allowed, scenario == 4));
      return true;
    }

    private void expect(ReleaseReason reason, long after) {
      long due = after < 0 ? lastSent + TIMEOUT : System.currentTimeMillis() + after;
      expected.put(key, new Expected(reason, due, scenario == 4 || scenario == 6));
    }

    /**
     * Sends a signal of a live page; false when the answer shows that the page's deadline passed
     * before the signal could reach Redis (the driver or Redis ran late): the life ends there.
     */
    private boolean send(Signal signal, long span) {
      long sentAt = System.currentTimeMillis();
      SignalResult result = onAnyNode(node -> node.signal(signal));
      lastSentAt.put(key, signal.type() + "@" + sentAt + "->" + System.currentTimeMillis()
          + " " + result.status() + " " + result.accepted());
      if (result.status() == SignalResult.Status.RELEASED
          && reachedAfterDeadline(result.reason().orElseThrow())) {
        return false;
      }
      if (result.status() != SignalResult.Status.LIVE) {
        problems.add(key + ": " + signal.type() + " of a live page answered " + result);
      }
      lastSent = sentAt;
      lastSpan = span;
      return true;
    }

    /**
     * Whether the call that just returned may have reached Redis after the deadline of the page's
     * previous signal; if so, the session was rightly released at that deadline.
     */
    private boolean reachedAfterDeadline(ReleaseReason reason) {
      if (lastSent == 0 || System.currentTimeMillis() - lastSent < lastSpan) {
        return false;
      }
      abandoned.incrementAndGet();
      expected.put(key, new Expected(reason, lastSent + lastSpan, scenario == 4));
      return true;
    }

    private void exit(Signal signal) {
      lastSent = System.currentTimeMillis();
      onAnyNode(node -> node.signal(signal));
    }
  }

  long longestStall() {
    return stalls.stream().mapToLong(stall -> stall[1] - stall[0]).max().orElse(0);
  }

  /** Checks every release against what was expected; returns the problems found. */
  List<String> check(long allowedLatenessMillis) {
    return check(allowedLatenessMillis, 0);
  }

  /** Same, tolerating releases up to {@code allowedEarlinessMillis} before the deadline. */
  List<String> check(long allowedLatenessMillis, long allowedEarlinessMillis) {
    Queue<String> found = new ConcurrentLinkedQueue<>(problems);
    expected.forEach((key, want) -> {
      List<Release> got = releases.getOrDefault(key, List.of());
      if (got.size() != 1) {
        found.add(key + ": released " + got.size() + " times, expected once " + want);
        return;
      }
      Release release = got.get(0);
      long at = release.releasedAt().toEpochMilli();
      if (release.reason() != want.reason()) {
        found.add(key + ": released for " + release.reason() + ", expected " + want);
      } else if (at < want.dueAt() - 5 - allowedEarlinessMillis) {
        found.add(key + ": released " + (want.dueAt() - at) + " ms early, " + want + " " + release
            + " by node " + releasedBy.get(key) + ", last sent at " + lastSentAt.get(key));
      } else if (at > want.dueAt() + allowedLatenessMillis + stalledBetween(want.dueAt(), at)) {
        found.add(key + ": released " + (at - want.dueAt()) + " ms late, " + want
            + " (JVM stalled " + stalledBetween(want.dueAt(), at) + " ms meanwhile)");
      }
      if (want.tracked() && !key.equals(release.attributes().get("id"))) {
        found.add(key + ": attributes lost, got " + release.attributes());
      }
    });
    releases.keySet().stream().filter(key -> !expected.containsKey(key))
        .forEach(key -> found.add(key + ": released but never expected"));
    return List.copyOf(found);
  }

  @Override
  public void close() throws InterruptedException {
    driver.shutdownNow();
    watch.shutdownNow();
    driver.awaitTermination(5, TimeUnit.SECONDS);
    for (int i = 0; i < nodes.size(); i++) {
      if (alive.get(i)) {
        nodes.get(i).close();
      }
    }
  }
}
