package dev.farewell.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import dev.farewell.redis.SeenSessions.PageRef;
import dev.farewell.redis.SeenSessions.Seen;
import dev.farewell.redis.SeenSessions.Unwritten;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The sweep's look-up of due signals ({@link SeenSessions#dueForWriting}) through the schedule of
 * unwritten signals ({@link WriteSchedule}): a signal is returned exactly when due, whichever path
 * kept, merged or dropped it; the schedule holds one entry per unwritten signal; a sweep looks at
 * the due signals and the few due within its slot, not at the others; and beats merged on other
 * threads while it sweeps are never lost.
 */
class WriteScheduleTest {

  private static final long MILLI = 1_000_000L;
  private static final long SECOND = 1_000 * MILLI;
  private static final long SLOT = 250 * MILLI;

  private static SeenSessions seenSessions() {
    return new SeenSessions(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofMinutes(30),
        1_000_000, true, Duration.ofNanos(SLOT));
  }

  private static Unwritten beat(int page, long sequence, long flushAt) {
    Signal signal = new Signal(SignalType.HEARTBEAT, "s" + page, "p", sequence, false, false);
    return new Unwritten(signal, flushAt - SECOND, flushAt);
  }

  private static PageRef ref(int page) {
    return new PageRef("s" + page, "p");
  }

  private static Map<PageRef, Unwritten> asMap(List<Map.Entry<PageRef, Unwritten>> entries) {
    Map<PageRef, Unwritten> map = new HashMap<>();
    for (Map.Entry<PageRef, Unwritten> entry : entries) {
      assertThat(map.put(entry.getKey(), entry.getValue())).as("returned twice: %s", entry)
          .isNull();
    }
    return map;
  }

  /** What a scan of every unwritten signal finds due at {@code now}. */
  private static Map<PageRef, Unwritten> dueByScan(SeenSessions seen, long now) {
    Map<PageRef, Unwritten> due = new HashMap<>();
    for (Map.Entry<PageRef, Unwritten> entry : seen.dueForWriting(now, true)) {
      if (now - entry.getValue().flushAt() >= 0) {
        due.put(entry.getKey(), entry.getValue());
      }
    }
    return due;
  }

  @Test
  void aSignalIsReturnedFromItsFlushAtOnAndNotBefore() {
    SeenSessions seen = seenSessions();
    long flushAt = 10 * SECOND + 3;
    seen.keepAgain(beat(1, 1, flushAt));

    assertThat(seen.dueForWriting(flushAt - 1, false)).isEmpty();
    assertThat(asMap(seen.dueForWriting(flushAt, false))).containsOnlyKeys(ref(1));
    assertThat(asMap(seen.dueForWriting(flushAt + 5 * SECOND, false))).containsOnlyKeys(ref(1));
  }

  @Test
  void aSignalLeftUnwrittenIsDueAgainAtTheNextSweep() {
    SeenSessions seen = seenSessions();
    seen.keepAgain(beat(1, 1, SECOND));

    assertThat(seen.dueForWriting(2 * SECOND, false)).hasSize(1);
    // Its write failed: nothing called written().
    assertThat(seen.dueForWriting(2 * SECOND + SLOT, false)).hasSize(1);
  }

  @Test
  void aSignalWhoseWriteMovedEarlierIsFoundAtItsNewTime() {
    SeenSessions seen = seenSessions();
    seen.keepAgain(beat(1, 1, 20 * SECOND));
    // A newer signal promising an earlier write (a signal kept while Redis was away): the merge
    // keeps the earliest promise.
    seen.keepAgain(beat(1, 2, 3 * SECOND));

    List<Map.Entry<PageRef, Unwritten>> due = seen.dueForWriting(3 * SECOND, false);
    assertThat(due).hasSize(1);
    assertThat(due.get(0).getValue().signal().sequence()).isEqualTo(2);
    assertThat(due.get(0).getValue().flushAt()).isEqualTo(3 * SECOND);
    assertThat(seen.scheduledCount()).isEqualTo(1);
  }

  @Test
  void aSignalMovedEarlierWithinItsSlotIsFoundToo() {
    SeenSessions seen = seenSessions();
    seen.keepAgain(beat(1, 1, 3 * SECOND + 200 * MILLI));
    seen.keepAgain(beat(1, 2, 3 * SECOND + 10 * MILLI));

    assertThat(seen.dueForWriting(3 * SECOND + 10 * MILLI - 1, false)).isEmpty();
    assertThat(seen.dueForWriting(3 * SECOND + 10 * MILLI, false)).hasSize(1);
  }

  @Test
  void aCoalescedBeatIsDueWhenItsWindowEndsAndLaterBeatsKeepThatTime() {
    SeenSessions seen = seenSessions();
    Seen session = seen.session("s1");
    seen.learn(session, new Signal(SignalType.OPEN, "s1", "p", 0, false, false), 0,
        SignalResult.live(true));
    long window = 15 * SECOND - 5 * SECOND - 5 * SECOND / 2;
    for (long sequence = 1; sequence <= 3; sequence++) {
      synchronized (session) {
        assertThat(seen.answerLocally(session,
            new Signal(SignalType.HEARTBEAT, "s1", "p", sequence, false, false), sequence * SECOND))
            .isEqualTo(SignalResult.live(true));
      }
    }

    assertThat(seen.scheduledCount()).isEqualTo(1);
    assertThat(seen.dueForWriting(window - 1, false)).isEmpty();
    List<Map.Entry<PageRef, Unwritten>> due = seen.dueForWriting(window, false);
    assertThat(due).hasSize(1);
    assertThat(due.get(0).getValue().signal().sequence()).isEqualTo(3);
  }

  @Test
  void writtenSupersededAndForgottenSignalsAreNotReturnedAndLeaveNothingFiled() {
    SeenSessions seen = seenSessions();
    for (int page = 0; page < 30; page++) {
      seen.keepAgain(beat(page, 1, page * SECOND));
    }
    assertThat(seen.scheduledCount()).isEqualTo(30);

    for (Map.Entry<PageRef, Unwritten> due : seen.dueForWriting(9 * SECOND, false)) {
      seen.written(due.getKey(), due.getValue());
    }
    for (int page = 10; page < 20; page++) {
      assertThat(seen.superseded(new Signal(SignalType.HIDDEN, "s" + page, "p", 2, true, false)))
          .isNotNull();
    }

    assertThat(seen.unwrittenCount()).isEqualTo(10);
    assertThat(seen.scheduledCount()).isEqualTo(10);
    assertThat(asMap(seen.dueForWriting(100 * SECOND, false)).keySet())
        .containsExactlyInAnyOrderElementsOf(asMap(seen.dueForWriting(0, true)).keySet())
        .allMatch(ref -> Integer.parseInt(ref.sessionKey().substring(1)) >= 20);

    seen.forgetUnwritten();
    assertThat(seen.unwrittenCount()).isZero();
    assertThat(seen.scheduledCount()).isZero();
    assertThat(seen.dueForWriting(100 * SECOND, false)).isEmpty();
  }

  @Test
  void aSignalWrittenAfterANewerOneMergedStaysDue() {
    SeenSessions seen = seenSessions();
    seen.keepAgain(beat(1, 1, SECOND));
    Map.Entry<PageRef, Unwritten> due = seen.dueForWriting(SECOND, false).get(0);
    // A beat arrives while the sweeper writes the older one.
    seen.keepAgain(beat(1, 2, 9 * SECOND));
    seen.written(due.getKey(), due.getValue());

    List<Map.Entry<PageRef, Unwritten>> again = seen.dueForWriting(SECOND + SLOT, false);
    assertThat(again).hasSize(1);
    assertThat(again.get(0).getValue().signal().sequence()).isEqualTo(2);
    assertThat(seen.scheduledCount()).isEqualTo(1);
  }

  @Test
  void allReturnsEverySignalDueOrNot() {
    SeenSessions seen = seenSessions();
    for (int page = 0; page < 50; page++) {
      seen.keepAgain(beat(page, 1, page * SECOND));
    }

    assertThat(seen.dueForWriting(-SECOND, true)).hasSize(50);
    assertThat(seen.dueForWriting(-SECOND, false)).isEmpty();
    assertThat(seen.dueForWriting(24 * SECOND, true)).hasSize(50);
  }

  @Test
  void aSweepLooksOnlyAtTheDueSignals() {
    SeenSessions seen = seenSessions();
    for (int page = 0; page < 1_000; page++) {
      seen.keepAgain(beat(page, 1, page * 100 * MILLI));
    }

    for (int sweep = 1; sweep <= 10; sweep++) {
      long visitedBefore = seen.sweepVisits();
      // The last instant of a slot: every signal of a slot begun is due.
      List<Map.Entry<PageRef, Unwritten>> due = seen.dueForWriting(sweep * 10 * SECOND - 1, false);
      assertThat(due).hasSize(100);
      assertThat(seen.sweepVisits() - visitedBefore).as("signals looked at").isEqualTo(100);
      for (Map.Entry<PageRef, Unwritten> entry : due) {
        seen.written(entry.getKey(), entry.getValue());
      }
    }
  }

  @Test
  void aSweepInsideASlotLooksOnlyAtThatSlotsSignalsBeyondTheDueOnes() {
    SeenSessions seen = seenSessions();
    for (int page = 0; page < 1_000; page++) {
      seen.keepAgain(beat(page, 1, page * 10 * MILLI));
    }
    long visitedBefore = seen.sweepVisits();

    // 5.1 s: the slot [5 s, 5.25 s) has begun; 511 signals are due, 14 more fall due within it.
    assertThat(seen.dueForWriting(5_100 * MILLI, false)).hasSize(511);
    assertThat(seen.sweepVisits() - visitedBefore).isEqualTo(511 + 14);
  }

  /**
   * Random histories against a scan of every unwritten signal (what a sweep did before the
   * schedule): every path that keeps, merges or drops a signal, sweeps that write some of the due
   * signals and leave others, and a start near the end of the ticker's range (readings wrap).
   */
  @Test
  void randomHistoriesReturnWhatAScanOfEverySignalReturns() {
    long seed = Long.getLong("farewell.schedule.seed", System.nanoTime());
    SplittableRandom random = new SplittableRandom(seed);
    for (int history = 0; history < 40; history++) {
      SeenSessions seen = seenSessions();
      long now = history % 4 == 0 ? Long.MAX_VALUE - 20 * SECOND : random.nextLong();
      long sequence = 0;
      for (int step = 0; step < 2_000; step++) {
        int page = random.nextInt(40);
        String session = "s" + page;
        int op = random.nextInt(100);
        if (op < 35) {
          // Any promise, newer or older than what the page keeps.
          long flushAt = now + random.nextLong(-2 * SECOND, 10 * SECOND);
          long signalSequence = random.nextInt(4) == 0 ? random.nextLong(sequence + 1) : ++sequence;
          seen.keepAgain(beat(page, signalSequence, flushAt));
        } else if (op < 45) {
          Seen memo = seen.session(session);
          synchronized (memo) {
            seen.remember(memo, new Signal(SignalType.HEARTBEAT, session, "p", ++sequence, false,
                false), now);
          }
        } else if (op < 55) {
          Seen memo = seen.session(session);
          seen.learn(memo, new Signal(SignalType.VISIBLE, session, "p", ++sequence, false, false),
              now - random.nextLong(5 * SECOND), SignalResult.live(true));
          synchronized (memo) {
            seen.answerLocally(memo, new Signal(SignalType.HEARTBEAT, session, "p", ++sequence,
                false, false), now);
          }
        } else if (op < 65) {
          Unwritten dropped = seen.superseded(new Signal(SignalType.HIDDEN, session, "p",
              ++sequence, true, false));
          if (dropped != null && random.nextBoolean()) {
            seen.keepAgain(dropped);
          }
        } else if (op < 99) {
          now += random.nextLong(SLOT * 2);
          long visitedBefore = seen.sweepVisits();
          Map<PageRef, Unwritten> due = asMap(seen.dueForWriting(now, false));
          String at = "seed " + seed + ", history " + history + ", step " + step;
          assertThat(due).as(at).isEqualTo(dueByScan(seen, now));
          long begun = 0;
          for (Map.Entry<PageRef, Unwritten> entry : seen.dueForWriting(now, true)) {
            long flushAt = entry.getValue().flushAt();
            begun += now - (flushAt - Math.floorMod(flushAt, SLOT)) >= 0 ? 1 : 0;
          }
          assertThat(seen.sweepVisits() - visitedBefore)
              .as("%s: looked at the signals of the slots begun only", at).isEqualTo(begun);
          for (Map.Entry<PageRef, Unwritten> entry : due.entrySet()) {
            if (random.nextInt(5) != 0) {
              seen.written(entry.getKey(), entry.getValue());
            }
          }
        } else {
          seen.forgetUnwritten();
        }
        assertThat(seen.scheduledCount()).as("seed %d: filed pages", seed)
            .isEqualTo(seen.unwrittenCount());
      }
    }
  }

  /**
   * Threads keep, merge, drop and keep again the signals of a few pages (earlier and later
   * promises, so that writes move between slots) while another thread sweeps with a moving clock
   * and writes most of what it finds. Once they stop, every signal left is filed once, and a
   * sweep finds exactly the due ones.
   */
  @Test
  void signalsMergedWhileSweepingAreNeverLost() throws Exception {
    long seed = Long.getLong("farewell.schedule.seed", System.nanoTime());
    for (int round = 0; round < 20; round++) {
      SeenSessions seen = seenSessions();
      AtomicLong clock = new AtomicLong(round * 1_000 * SECOND);
      AtomicLong sequence = new AtomicLong();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      int writers = 3;
      CountDownLatch start = new CountDownLatch(1);
      CountDownLatch done = new CountDownLatch(writers);
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        SplittableRandom random = new SplittableRandom(seed + round * 31L + w);
        threads.add(new Thread(() -> {
          try {
            start.await();
            for (int i = 0; i < 20_000; i++) {
              int page = random.nextInt(4);
              int op = random.nextInt(10);
              if (op < 6) {
                seen.keepAgain(beat(page, sequence.incrementAndGet(),
                    clock.get() + random.nextLong(-SLOT, 2 * SLOT)));
              } else if (op < 8) {
                Unwritten dropped = seen.superseded(new Signal(SignalType.HIDDEN, "s" + page, "p",
                    sequence.incrementAndGet(), true, false));
                if (dropped != null) {
                  seen.keepAgain(dropped);
                }
              } else {
                Seen memo = seen.session("s" + page);
                synchronized (memo) {
                  seen.remember(memo, new Signal(SignalType.HEARTBEAT, "s" + page, "p",
                      sequence.incrementAndGet(), false, false), clock.get());
                }
              }
            }
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          } finally {
            done.countDown();
          }
        }));
      }
      SplittableRandom sweeps = new SplittableRandom(seed - round);
      threads.add(new Thread(() -> {
        try {
          start.await();
          while (done.getCount() > 0) {
            long now = clock.addAndGet(sweeps.nextLong(SLOT / 2));
            for (Map.Entry<PageRef, Unwritten> entry : seen.dueForWriting(now, false)) {
              if (now - entry.getValue().flushAt() < 0) {
                throw new AssertionError("returned before due: " + entry);
              }
              if (sweeps.nextInt(4) != 0) {
                seen.written(entry.getKey(), entry.getValue());
              }
            }
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }));
      threads.forEach(Thread::start);
      start.countDown();
      for (Thread thread : threads) {
        thread.join();
      }

      assertThat(failure.get()).as("seed %d", seed).isNull();
      assertThat(seen.scheduledCount()).as("seed %d: filed pages", seed)
          .isEqualTo(seen.unwrittenCount());
      long now = clock.get();
      assertThat(asMap(seen.dueForWriting(now, false))).as("seed %d", seed)
          .isEqualTo(dueByScan(seen, now));
      long later = now + 10 * SECOND;
      assertThat(asMap(seen.dueForWriting(later, false))).as("seed %d", seed)
          .isEqualTo(asMap(seen.dueForWriting(later, true)));
    }
  }
}
