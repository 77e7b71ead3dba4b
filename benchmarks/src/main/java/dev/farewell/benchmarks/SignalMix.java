package dev.farewell.benchmarks;

import dev.farewell.Signal;
import dev.farewell.SignalType;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The signal stream of the throughput figures: every session walks a cycle of 20 signals, the life
 * of one page that the user reloads at the end: {@code OPEN}, 8 heartbeats, {@code HIDDEN}, 8
 * heartbeats while hidden, {@code VISIBLE}, {@code EXIT}; the next cycle opens a new page, which
 * cancels the exit grace. So 80 % of the signals are heartbeats and the rest open, hidden, visible
 * and exit, and the number of live sessions stays constant. Page ids are UUIDs, as the snippet
 * draws them.
 *
 * <p>Sessions are split between threads: thread {@code t} of {@code n} drives the sessions whose
 * index is {@code t} modulo {@code n}, in a shuffled order, so that two threads never race on one
 * page's sequence numbers (as one browser tab never does). Each thread needs its own {@link Cursor}.
 */
final class SignalMix {

  static final int CYCLE = 20;

  private final String[] keys;
  private final int[] step;
  private final long[] sequence;
  private final int[] generation;
  private final String[] page;

  SignalMix(int sessions, long seed) {
    if (sessions < 1) {
      throw new IllegalArgumentException("sessions must be >= 1, was " + sessions);
    }
    keys = SessionIds.generate(sessions, seed);
    step = new int[sessions];
    sequence = new long[sessions];
    generation = new int[sessions];
    page = new String[sessions];
  }

  int sessions() {
    return keys.length;
  }

  String key(int session) {
    return keys[session];
  }

  /**
   * Brings every session to a random point of its cycle (so the stream mixes all signal types from
   * the first measured signal on), applying the signals that lead there to {@code target}.
   */
  void warmUp(SignalTarget target, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int session = 0; session < keys.length; session++) {
      int steps = 1 + random.nextInt(CYCLE - 1); // never left right after EXIT
      for (int i = 0; i < steps; i++) {
        target.apply(next(session));
      }
    }
  }

  /** Returns the next signal of {@code session} and advances it. Not thread-safe per session. */
  Signal next(int session) {
    int s = step[session];
    step[session] = (s + 1 == CYCLE) ? 0 : s + 1;
    long seq = ++sequence[session];
    String key = keys[session];
    if (s == 0) {
      String id = pageId(session, generation[session]++);
      page[session] = id;
      return new Signal(SignalType.OPEN, key, id, seq, false, false);
    }
    String id = page[session];
    if (s <= 8) {
      return new Signal(SignalType.HEARTBEAT, key, id, seq, false, false);
    }
    if (s == 9) {
      return new Signal(SignalType.HIDDEN, key, id, seq, true, false);
    }
    if (s <= 17) {
      return new Signal(SignalType.HEARTBEAT, key, id, seq, true, false);
    }
    if (s == 18) {
      return new Signal(SignalType.VISIBLE, key, id, seq, false, false);
    }
    return new Signal(SignalType.EXIT, key, id, seq, false, false);
  }

  /**
   * A page id in the form the snippet draws them ({@code crypto.randomUUID()}), distinct for each
   * session and generation.
   */
  static String pageId(int session, int generation) {
    long high = (session * 0x9E3779B97F4A7C15L) ^ ((long) generation << 32);
    long low = (generation * 0xC2B2AE3D27D4EB4FL) ^ session;
    return new UUID(high, low).toString();
  }

  /** Returns a cursor over the sessions of thread {@code thread} of {@code threads}. */
  Cursor cursor(int thread, int threads, long seed) {
    if (threads < 1 || thread < 0 || thread >= threads) {
      throw new IllegalArgumentException("thread must be in [0, " + threads + "), was " + thread);
    }
    int count = 0;
    for (int i = thread; i < keys.length; i += threads) {
      count++;
    }
    int[] order = new int[count];
    for (int i = thread, j = 0; i < keys.length; i += threads, j++) {
      order[j] = i;
    }
    SplittableRandom random = new SplittableRandom(seed + thread);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return new Cursor(order);
  }

  /** One thread's walk over its sessions; each call to {@link #next()} moves one session on. */
  final class Cursor {
    private final int[] order;
    private int position;

    private Cursor(int[] order) {
      this.order = order;
    }

    Signal next() {
      int session = order[position];
      position = (position + 1 == order.length) ? 0 : position + 1;
      return SignalMix.this.next(session);
    }
  }
}
