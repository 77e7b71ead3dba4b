package dev.farewell.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.farewell.ReleaseReason;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;

/**
 * What one node has seen of sessions: the newest sequence and the last write to Redis of each
 * page, and the signals it answered but has not written yet (coalesced heartbeats, and everything
 * seen while Redis was unreachable). Times are readings of the engine's ticker. The unwritten
 * signals are filed by when they fall due ({@link WriteSchedule}), so that a sweep looks at the
 * due ones, not at all of them.
 */
final class SeenSessions {

  /** One session as this node knows it; guarded by its own monitor. */
  static final class Seen {
    ReleaseReason released;
    boolean exiting;
    /** The session's generation in Redis as this node saw it last (0: none seen). */
    long generation;
    final Map<String, SeenPage> pages = new HashMap<>(4);
  }

  /** One page as this node knows it. */
  static final class SeenPage {
    long sequence = -1;
    long writtenSequence = -1;
    long writtenAt;
    boolean hidden;
    boolean exited;
  }

  record PageRef(String sessionKey, String pageId) {}

  /**
   * A signal answered locally and not yet written; written by {@code flushAt} at the latest. An
   * exit that replaced a page's unwritten live signal keeps that signal ({@code live}, received at
   * {@code liveAt}) to write first: should Redis have lost the session meanwhile, the live signal
   * starts it again and the exit then ends it, instead of an exit that starts nothing.
   */
  record Unwritten(Signal signal, long receivedAt, long flushAt, Signal live, long liveAt) {

    Unwritten(Signal signal, long receivedAt, long flushAt) {
      this(signal, receivedAt, flushAt, null, 0);
    }
  }

  private static final int MAXIMUM_PAGES = 32;

  /**
   * How late a hidden page's timers may fire: Chrome aligns the timers of a page hidden for five
   * minutes to whole minutes (intensive throttling,
   * https://developer.chrome.com/blog/timer-throttling-in-chrome-88). The snippet beats from a
   * worker, which that throttling does not reach, but a page without one (CSP without {@code
   * worker-src 'self'}, {@code worker: false}) beats from page timers.
   */
  static final Duration HIDDEN_TIMER_DELAY = Duration.ofMinutes(1);

  private final Cache<String, Seen> sessions;
  private final ConcurrentHashMap<PageRef, Unwritten> unwritten = new ConcurrentHashMap<>();
  /** Every page of {@code unwritten}, filed by its signal's {@code flushAt}. */
  private final WriteSchedule schedule;
  private final BiFunction<Unwritten, Unwritten, Unwritten> merge = this::merge;
  private final long maximumUnwritten;
  private final long visibleWindow;
  private final long hiddenWindow;
  /** Heartbeats answered locally, and signals written to Redis (for tests and benchmarks). */
  final LongAdder coalesced = new LongAdder();
  final LongAdder written = new LongAdder();

  /**
   * @param heartbeatInterval how often pages beat
   * @param heartbeatTimeout a visible page's deadline after its newest signal
   * @param hiddenTimeout a hidden page's deadline after its newest signal
   * @param coalesce whether heartbeats may be coalesced at all
   * @param sweepInterval how often the sweeper writes the due signals
   */
  SeenSessions(
      Duration heartbeatInterval,
      Duration heartbeatTimeout,
      Duration hiddenTimeout,
      long maximumSessions,
      boolean coalesce,
      Duration sweepInterval) {
    this.schedule = new WriteSchedule(sweepInterval);
    // An idle session is remembered as long as its pages may still be alive.
    Duration forget = hiddenTimeout.plus(heartbeatTimeout);
    this.sessions =
        Caffeine.newBuilder().maximumSize(maximumSessions).expireAfterAccess(forget).build();
    this.maximumUnwritten = Math.max(1_000, maximumSessions * 4);
    long interval = heartbeatInterval.toNanos();
    // A beat is answered locally only while the deadline this node last wrote for its page still
    // lies further ahead than the longest the page may take to beat again, plus half an interval:
    // should this node die with the beat unwritten, the page's next beat (to any node) still finds
    // its session alive. A visible page beats within an interval (the snippet's beats come early,
    // never late). A hidden page beats within an interval plus the delay of a hidden page's
    // timers (HIDDEN_TIMER_DELAY); one that does not beat at all (suspended, frozen) is not kept
    // alive by coalescing either: its deadline is the one its last written signal set.
    // The beat is written when the window ends, so a sweeper late by less than that margin
    // cannot release early. A window of zero or less coalesces nothing.
    this.visibleWindow = coalesce
        ? heartbeatTimeout.toNanos() - interval - interval / 2 : -1;
    // A hidden page's window is also no longer than a visible one's: another node may have
    // written the page visible since this node last wrote it hidden (its hidden message lost or
    // refused, the beats after it hidden again), which cut the deadline in Redis to a visible
    // page's. This node cannot know; a beat it keeps past the visible window could then be too
    // late for that deadline.
    this.hiddenWindow = coalesce
        ? Math.min(visibleWindow,
            hiddenTimeout.toNanos() - HIDDEN_TIMER_DELAY.toNanos() - interval - interval / 2)
        : -1;
  }

  Seen session(String sessionKey) {
    return sessions.get(sessionKey, k -> new Seen());
  }

  Seen sessionIfPresent(String sessionKey) {
    return sessions.getIfPresent(sessionKey);
  }

  /**
   * Answers a signal locally when this node knows enough, or returns null when it must be written.
   * Caller holds {@code seen}'s monitor.
   */
  SignalResult answerLocally(Seen seen, Signal signal, long now) {
    SeenPage page = seen.pages.get(signal.pageId());
    if (seen.released != null && page != null) {
      return SignalResult.released(seen.released);
    }
    if (page != null && signal.sequence() <= page.sequence) {
      return seen.exiting ? SignalResult.exiting(false) : SignalResult.live(false);
    }
    if (signal.type() == SignalType.HEARTBEAT
        && page != null
        && page.writtenSequence >= 0
        && page.hidden == signal.hidden()
        && !page.exited
        && !seen.exiting
        && seen.released == null) {
      long window = page.hidden ? hiddenWindow : visibleWindow;
      if (window > 0 && now - page.writtenAt <= window) {
        page.sequence = signal.sequence();
        keep(new PageRef(signal.sessionKey(), signal.pageId()),
            new Unwritten(signal, now, page.writtenAt + window));
        coalesced.increment();
        return SignalResult.live(true);
      }
    }
    return null;
  }

  /** Keeps a signal seen while Redis is unreachable; false when the backlog is full. */
  boolean remember(Seen seen, Signal signal, long now) {
    PageRef ref = new PageRef(signal.sessionKey(), signal.pageId());
    if (unwritten.size() >= maximumUnwritten && !unwritten.containsKey(ref)) {
      return false;
    }
    keep(ref, new Unwritten(signal, now, now));
    SeenPage page = pageOf(seen, signal);
    page.sequence = Math.max(page.sequence, signal.sequence());
    return true;
  }

  /** What to tell a page while Redis is unreachable. Caller holds {@code seen}'s monitor. */
  static SignalResult answerOffline(Seen seen, Signal signal) {
    if (signal.type() != SignalType.EXIT) {
      return SignalResult.live(true);
    }
    for (Map.Entry<String, SeenPage> entry : seen.pages.entrySet()) {
      if (!entry.getKey().equals(signal.pageId()) && !entry.getValue().exited) {
        return SignalResult.live(true);
      }
    }
    return SignalResult.exiting(true);
  }

  /**
   * Drops an unwritten signal that a newer one, being written now, supersedes, and returns it (null
   * if none): should that write fail, {@link #keepAgain} keeps it again.
   */
  Unwritten superseded(Signal signal) {
    PageRef ref = new PageRef(signal.sessionKey(), signal.pageId());
    Unwritten old = unwritten.get(ref);
    if (old != null && old.signal().sequence() < signal.sequence() && drop(ref, old)) {
      return old;
    }
    return null;
  }

  /**
   * Keeps again a signal {@link #superseded} dropped, unless a newer one of its page is kept
   * meanwhile; an exit kept after it then keeps it as its live signal, to write first.
   */
  void keepAgain(Unwritten dropped) {
    Signal signal = dropped.signal();
    keep(new PageRef(signal.sessionKey(), signal.pageId()), dropped);
  }

  /**
   * Keeps {@code fresh} for its page, merged with what the page kept already ({@link #newer}), and
   * files it by when it falls due. The common case, a beat merged into a kept one, leaves the
   * schedule alone: the merge keeps the earliest {@code flushAt}, so the page is filed already,
   * and only a merge that moves the write to an earlier slot files it again. A page that kept
   * nothing is filed in a second step, under its entry, by what it keeps then (filing a page twice
   * under a slot changes nothing). Until then, a sweep does not see the page, as it did not see an
   * entry added while it scanned.
   */
  private void keep(PageRef ref, Unwritten fresh) {
    // The merge returns fresh only when the page kept nothing: newer() never returns it.
    if (unwritten.merge(ref, fresh, merge) == fresh) {
      unwritten.computeIfPresent(ref, (page, kept) -> {
        schedule.file(page, kept.flushAt());
        return kept;
      });
    }
  }

  /** {@link #newer}, filing the page again when its write moved to an earlier slot. */
  private Unwritten merge(Unwritten old, Unwritten fresh) {
    Unwritten kept = newer(old, fresh);
    if (kept.flushAt() != old.flushAt()) {
      Signal signal = kept.signal();
      schedule.move(new PageRef(signal.sessionKey(), signal.pageId()), old.flushAt(),
          kept.flushAt());
    }
    return kept;
  }

  /** Drops the page's unwritten signal if it is {@code expected}; true if this dropped it. */
  private boolean drop(PageRef ref, Unwritten expected) {
    boolean[] dropped = new boolean[1];
    unwritten.computeIfPresent(ref, (page, kept) -> {
      if (!kept.equals(expected)) {
        return kept;
      }
      schedule.unfile(page, kept.flushAt());
      dropped[0] = true;
      return null;
    });
    return dropped[0];
  }

  /**
   * The page of {@code signal} in {@code seen}, made if needed. A session that reloads for hours
   * gathers page ids: beyond a few, the others are forgotten (they only cost write-throughs).
   */
  private static SeenPage pageOf(Seen seen, Signal signal) {
    if (seen.pages.size() >= MAXIMUM_PAGES && !seen.pages.containsKey(signal.pageId())) {
      seen.pages.clear();
    }
    return seen.pages.computeIfAbsent(signal.pageId(), id -> new SeenPage());
  }

  /** Learns what Redis answered to a signal received at {@code receivedAt}. */
  void learn(Seen seen, Signal signal, long receivedAt, SignalResult result) {
    written.increment();
    synchronized (seen) {
      SeenPage page = pageOf(seen, signal);
      switch (result.status()) {
        case RELEASED -> seen.released = result.reason().orElseThrow();
        case LIVE, EXITING -> {
          seen.released = null;
          seen.exiting = result.status() == SignalResult.Status.EXITING;
          if (result.accepted() && signal.sequence() > page.writtenSequence) {
            page.writtenSequence = signal.sequence();
            page.writtenAt = receivedAt;
            page.exited = signal.type() == SignalType.EXIT;
            page.hidden = effectiveHidden(signal);
          }
          page.sequence = Math.max(page.sequence, signal.sequence());
        }
        default -> { }
      }
    }
  }

  /** Marks a session released by this node, so its pages' stragglers are answered locally. */
  void released(String sessionKey, ReleaseReason reason) {
    Seen seen = sessions.getIfPresent(sessionKey);
    if (seen != null) {
      synchronized (seen) {
        seen.released = reason;
      }
    }
  }

  /** Forgets a released mark: the application tracks the key again. */
  void tracked(String sessionKey) {
    Seen seen = sessions.getIfPresent(sessionKey);
    if (seen != null) {
      synchronized (seen) {
        seen.released = null;
        seen.exiting = false;
        seen.pages.clear();
      }
    }
  }

  /**
   * The unwritten signals due for writing now, or all of them. Without {@code all}, looks only at
   * the pages filed under slots begun by {@code now}: the due ones, and the ones due within a
   * slot. A signal that stays unwritten (its write failed) is due again at the next call.
   */
  List<Map.Entry<PageRef, Unwritten>> dueForWriting(long now, boolean all) {
    List<Map.Entry<PageRef, Unwritten>> due = new ArrayList<>();
    if (all) {
      for (Map.Entry<PageRef, Unwritten> entry : unwritten.entrySet()) {
        due.add(Map.entry(entry.getKey(), entry.getValue()));
      }
      return due;
    }
    schedule.forEachBegun(now, (ref, slot) -> {
      Unwritten kept = unwritten.get(ref);
      // Under another slot, the page is being filed again there: it is taken from that one.
      if (kept != null && now - kept.flushAt() >= 0 && schedule.slotOf(kept.flushAt()) == slot) {
        due.add(Map.entry(ref, kept));
      }
    });
    return due;
  }

  void written(PageRef ref, Unwritten signal) {
    drop(ref, signal);
  }

  int unwrittenCount() {
    return unwritten.size();
  }

  /** How many pages are filed by when their signal falls due (for tests). */
  int scheduledCount() {
    return schedule.size();
  }

  /** How many filed pages the sweeps looked at so far (for tests). */
  long sweepVisits() {
    return schedule.visited();
  }

  void forgetUnwritten() {
    for (PageRef ref : unwritten.keySet()) {
      unwritten.computeIfPresent(ref, (page, kept) -> {
        schedule.unfile(page, kept.flushAt());
        return null;
      });
    }
  }

  static boolean effectiveHidden(Signal signal) {
    return switch (signal.type()) {
      case HIDDEN -> true;
      case VISIBLE -> false;
      default -> signal.hidden();
    };
  }

  private static Unwritten newer(Unwritten old, Unwritten fresh) {
    if (fresh.signal().sequence() <= old.signal().sequence()) {
      return old;
    }
    // Keep the earliest promise to write: the deadline last written has not moved.
    long flushAt = old.flushAt() - fresh.flushAt() < 0 ? old.flushAt() : fresh.flushAt();
    if (fresh.signal().type() != SignalType.EXIT) {
      return new Unwritten(fresh.signal(), fresh.receivedAt(), flushAt);
    }
    boolean oldLive = old.signal().type() != SignalType.EXIT;
    return new Unwritten(fresh.signal(), fresh.receivedAt(), flushAt,
        oldLive ? old.signal() : old.live(), oldLive ? old.receivedAt() : old.liveAt());
  }
}
