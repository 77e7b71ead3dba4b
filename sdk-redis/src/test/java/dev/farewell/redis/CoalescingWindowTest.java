package dev.farewell.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import dev.farewell.redis.SeenSessions.PageRef;
import dev.farewell.redis.SeenSessions.Seen;
import dev.farewell.redis.SeenSessions.Unwritten;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The crash-safety argument of heartbeat coalescing ({@link SeenSessions}), on random page lives:
 * random rules (interval, timeout, hidden timeout), a page that goes hidden and visible again and
 * beats as browsers let it (a visible page within an interval, beats coming early, never late; a
 * hidden page within an interval plus the delay of throttled timers, a minute), and a node that
 * writes what it does not answer locally and flushes what is due every sweep interval. After every
 * signal, the deadline written to Redis must stay at least half an interval beyond the page's next
 * beat, so that if the node died then, with its coalesced beats unwritten, that beat still finds
 * the session alive on any node; and once the page stops and the node flushed, the written
 * deadline is exactly the last signal's time plus its timeout.
 */
class CoalescingWindowTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long SWEEP = 250_000_000L;

  /** What the node wrote to Redis last for the page: its sequence number and deadline. */
  private long writtenSequence;
  private long writtenDeadline;

  @Test
  void aBeatingPageOutlivesItsNodeAndItsDeadlineEndsExact() {
    long seed = Long.getLong("farewell.coalescing.seed", System.nanoTime());
    SplittableRandom random = new SplittableRandom(seed);
    long coalesced = 0;
    long hiddenCoalesced = 0;
    for (int life = 0; life < 300; life++) {
      long interval = random.nextLong(1, 11) * SECOND;
      long timeout = interval + random.nextLong(SECOND, 5 * interval);
      long hiddenTimeout = timeout + random.nextLong(0, 300 * SECOND);
      SeenSessions seen = new SeenSessions(Duration.ofNanos(interval), Duration.ofNanos(timeout),
          Duration.ofNanos(hiddenTimeout), 1_000, true, Duration.ofNanos(SWEEP));
      String rules = String.format("seed %d, interval %d s, timeout %d ms, hidden timeout %d ms",
          seed, interval / SECOND, timeout / 1_000_000, hiddenTimeout / 1_000_000);
      Seen session = seen.session("s");
      writtenSequence = -1;
      writtenDeadline = 0;
      long now = 0;
      long sweptAt = 0;
      long sequence = 0;
      boolean hidden = false;
      Signal last = null;
      long lastAt = 0;
      for (int step = 0; step < 400; step++) {
        SignalType type = step == 0 ? SignalType.OPEN
            : random.nextInt(40) == 0 ? (hidden ? SignalType.VISIBLE : SignalType.HIDDEN)
            : SignalType.HEARTBEAT;
        if (type == SignalType.HIDDEN) {
          hidden = true;
        } else if (type == SignalType.VISIBLE) {
          hidden = false;
        }
        Signal signal = new Signal(type, "s", "p", ++sequence, hidden, false);
        // The node sweeps every SWEEP until the signal arrives.
        for (; sweptAt + SWEEP <= now; sweptAt += SWEEP) {
          flush(seen, session, sweptAt + SWEEP, timeout, hiddenTimeout);
        }
        SignalResult local;
        synchronized (session) {
          local = seen.answerLocally(session, signal, now);
        }
        if (local == null) {
          seen.superseded(signal);
          write(seen, session, signal, now, timeout, hiddenTimeout);
        } else {
          coalesced++;
          hiddenCoalesced += hidden ? 1 : 0;
        }
        last = signal;
        lastAt = now;
        // The longest the page may take to beat again, as browsers schedule its beats: the
        // written deadline lies half an interval beyond, or as far as writing every beat puts it.
        long longest = hidden ? interval + SeenSessions.HIDDEN_TIMER_DELAY.toNanos() : interval;
        long ahead = Math.min(hidden ? hiddenTimeout : timeout, longest + interval / 2);
        assertThat(writtenDeadline - now)
            .as("%s: after %s at %d ms, the written deadline is ahead by", rules, signal,
                now / 1_000_000)
            .isGreaterThanOrEqualTo(ahead);
        int draw = random.nextInt(8);
        now += draw < 2 ? longest : draw < 7 ? random.nextLong(longest * 8 / 10, longest + 1)
            : random.nextLong(0, longest);
      }
      // The page stops; the node flushes what it holds.
      for (long end = lastAt + hiddenTimeout + timeout; sweptAt + SWEEP <= end; sweptAt += SWEEP) {
        flush(seen, session, sweptAt + SWEEP, timeout, hiddenTimeout);
        assertThat(writtenDeadline).as("%s: never passed while the node lives", rules)
            .isGreaterThan(Math.min(sweptAt + SWEEP, lastAt + (hidden ? hiddenTimeout : timeout)) - 1);
      }
      assertThat(writtenDeadline).as("%s: deadline after the last signal %s", rules, last)
          .isEqualTo(lastAt + (hidden ? hiddenTimeout : timeout));
    }
    System.out.printf("CoalescingWindowTest: %d beats answered locally, %d of them hidden "
        + "(seed %d)%n", coalesced, hiddenCoalesced, seed);
    assertThat(hiddenCoalesced).as("hidden beats coalesced at all").isPositive();
  }

  /** Writes what is due, as the sweeper does. */
  private void flush(SeenSessions seen, Seen session, long now, long timeout, long hiddenTimeout) {
    for (Map.Entry<PageRef, Unwritten> due : seen.dueForWriting(now, false)) {
      Unwritten kept = due.getValue();
      write(seen, session, kept.signal(), kept.receivedAt(), timeout, hiddenTimeout);
      seen.written(due.getKey(), kept);
    }
  }

  private void write(SeenSessions seen, Seen session, Signal signal, long receivedAt,
      long timeout, long hiddenTimeout) {
    // Redis ignores a signal not newer than the page's last one.
    if (signal.sequence() > writtenSequence) {
      writtenSequence = signal.sequence();
      writtenDeadline =
          receivedAt + (SeenSessions.effectiveHidden(signal) ? hiddenTimeout : timeout);
    }
    seen.learn(session, signal, receivedAt, SignalResult.live(true));
  }
}
