package dev.farewell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.testing.CollectingReleaseListener;
import dev.farewell.testing.FakeTicker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Many threads, many sessions, random interleavings of heartbeats, exits, reloads, back/forward
 * cache restores and silences, while time runs and releases happen concurrently (the engine's own
 * timer, a thread calling cleanUp, and signals that find sessions due).
 *
 * <p>Checks: every session is released exactly once; no session is released before every one of
 * its pages has either exited or stayed silent for the heartbeat timeout.
 */
class ConcurrentSessionsStressTest {

  private static final int SESSIONS = 100_000;
  private static final int WORKERS = 4;
  private static final int ROUNDS = 6;
  private static final long NONE = Long.MIN_VALUE;
  private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(15);
  /** Fake time each worker adds every ADVANCE_EVERY operations: about 5 s per round in all. */
  private static final Duration ADVANCE = Duration.ofMillis(12);
  private static final int ADVANCE_EVERY = 500;

  private final FakeTicker ticker = new FakeTicker();
  private final CollectingReleaseListener released = new CollectingReleaseListener();
  private final AtomicLong lastCleanUp = new AtomicLong();
  private final AtomicLong signals = new AtomicLong();
  private static final Duration CLEAN_UP_EVERY = Duration.ofSeconds(2);

  /** One page slot: a tab of a session, owned by one worker (reloads give it a new page id). */
  private static final class Slot {
    final int session;
    final int tab;
    int reloads;
    long sequence;
    boolean exited;
    boolean stopped;
    /** Ticker reading before the last accepted non-exit signal of the current page, or NONE. */
    long aliveAt = NONE;
    /** The same for earlier pages of this tab (before reloads). */
    long carried = NONE;

    Slot(int session, int tab) {
      this.session = session;
      this.tab = tab;
    }

    /** A UUID, as the snippet draws them, for odd sessions; a short string id for even ones. */
    String pageId() {
      if (session % 2 == 1) {
        return new java.util.UUID(session, ((long) tab << 32) | reloads).toString();
      }
      return "p" + tab + "r" + reloads;
    }
  }

  @Test
  void everySessionIsReleasedExactlyOnceAndNeverWhileAPageKeepsSignalling() throws Exception {
    Farewell farewell =
        Farewell.newBuilder()
            .ticker(ticker)
            .releaseExecutor(Runnable::run)
            .onRelease(released)
            .maximumTombstones(10 * SESSIONS)
            .build();
    farewell.track("probe");
    Instant zero = farewell.session("probe").orElseThrow().trackedAt();

    List<List<Slot>> slotsByWorker = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      slotsByWorker.add(new ArrayList<>());
    }
    List<Slot> allSlots = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(42);
    for (int s = 0; s < SESSIONS; s++) {
      int tabs = 1 + random.nextInt(3);
      for (int t = 0; t < tabs; t++) {
        Slot slot = new Slot(s, t);
        allSlots.add(slot);
        slotsByWorker.get((s + t) % WORKERS).add(slot);
      }
    }

    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      List<Slot> slots = slotsByWorker.get(w);
      long seed = w;
      Thread worker =
          new Thread(
              () -> {
                try {
                  work(farewell, slots, new SplittableRandom(seed));
                } catch (Throwable e) {
                  failures.add(e);
                }
              },
              "worker-" + w);
      workers.add(worker);
    }
    long started = System.nanoTime();
    workers.forEach(Thread::start);
    for (Thread worker : workers) {
      worker.join();
    }
    System.out.printf("stress: %d ms, %d signals%n",
        (System.nanoTime() - started) / 1_000_000, signals.get());
    assertThat(failures).isEmpty();

    ticker.advance(Duration.ofHours(1));
    farewell.cleanUp();
    farewell.close();

    assertThat(farewell.size()).isZero();
    assertThat(released.releasedMoreThanOnce()).isEmpty();
    assertThat(released.size()).isEqualTo(SESSIONS + 1);

    long[] mustLiveUntil = new long[SESSIONS];
    java.util.Arrays.fill(mustLiveUntil, NONE);
    for (Slot slot : allSlots) {
      long alive = Math.max(slot.aliveAt, slot.carried);
      if (alive != NONE) {
        mustLiveUntil[slot.session] =
            Math.max(mustLiveUntil[slot.session], alive + HEARTBEAT_TIMEOUT.toNanos());
      }
    }
    int checked = 0;
    for (Release release : released.releases()) {
      assertThat(release.releasedAt()).isAfterOrEqualTo(release.dueAt());
      if (release.sessionKey().equals("probe")) {
        continue;
      }
      int session = Integer.parseInt(release.sessionKey().substring(1));
      long releasedAt = Duration.between(zero, release.releasedAt()).toNanos();
      if (mustLiveUntil[session] != NONE) {
        checked++;
        assertThat(releasedAt)
            .as("release of %s (%s)", release.sessionKey(), release.reason())
            .isGreaterThanOrEqualTo(mustLiveUntil[session]);
      }
    }
    assertThat(checked).isGreaterThan(SESSIONS / 2);
    // The run must have mixed all the endings.
    assertThat(released.releases())
        .extracting(Release::reason)
        .contains(ReleaseReason.EXIT, ReleaseReason.TIMEOUT);
  }

  private void work(Farewell farewell, List<Slot> slots, SplittableRandom random) {
    int operations = 0;
    Slot[] order = slots.toArray(new Slot[0]);
    for (int round = 0; round < ROUNDS; round++) {
      shuffle(order, random);
      for (Slot slot : order) {
        if (round == 0) {
          send(farewell, slot, SignalType.OPEN, false);
        } else {
          act(farewell, slot, random);
        }
        if (++operations % ADVANCE_EVERY == 0) {
          ticker.advance(ADVANCE);
          cleanUpEveryFewSeconds(farewell);
        }
      }
    }
  }

  /** One worker at a time sweeps, about every 2 s of fake time, while the others go on. */
  private void cleanUpEveryFewSeconds(Farewell farewell) {
    long now = ticker.read();
    long last = lastCleanUp.get();
    if (now - last >= CLEAN_UP_EVERY.toNanos() && lastCleanUp.compareAndSet(last, now)) {
      farewell.cleanUp();
    }
  }

  private void act(Farewell farewell, Slot slot, SplittableRandom random) {
    if (slot.stopped) {
      return;
    }
    double dice = random.nextDouble();
    if (slot.exited) {
      if (dice < 0.5) {
        send(farewell, slot, SignalType.RESUME, false); // restored from the back/forward cache
      }
      return;
    }
    if (dice < 0.60) {
      send(farewell, slot, SignalType.HEARTBEAT, false);
    } else if (dice < 0.72) {
      // silent this round
    } else if (dice < 0.82) {
      send(farewell, slot, SignalType.EXIT, random.nextDouble() < 0.3);
    } else if (dice < 0.94) {
      // reload: the page exits and a new document of the same tab opens
      send(farewell, slot, SignalType.EXIT, false);
      slot.carried = Math.max(slot.carried, slot.aliveAt);
      slot.reloads++;
      slot.sequence = 0;
      slot.aliveAt = NONE;
      send(farewell, slot, SignalType.OPEN, false);
    } else {
      slot.stopped = true; // the tab crashed or lost the network
    }
  }

  private void send(Farewell farewell, Slot slot, SignalType type, boolean navigation) {
    Signal signal = Signal.of(type, "s" + slot.session, slot.pageId(), slot.sequence++);
    if (navigation) {
      signal = signal.asNavigation();
    }
    long before = ticker.read();
    SignalResult result = farewell.signal(signal);
    signals.incrementAndGet();
    if (!result.accepted()) {
      if (result.status() != SignalResult.Status.RELEASED
          && result.status() != SignalResult.Status.EXITING) {
        throw new AssertionError("unexpected answer " + result + " to " + signal);
      }
      return;
    }
    if (type == SignalType.EXIT) {
      slot.exited = true;
      slot.aliveAt = NONE;
    } else {
      slot.exited = false;
      slot.aliveAt = before;
    }
  }

  private static void shuffle(Slot[] slots, SplittableRandom random) {
    for (int i = slots.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Slot swap = slots[i];
      slots[i] = slots[j];
      slots[j] = swap;
    }
  }
}
