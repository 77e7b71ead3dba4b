package dev.farewell.benchmarks;

import dev.farewell.Signal;
import dev.farewell.SignalType;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The baseline of the engine throughput figure: a {@link ConcurrentHashMap} whose {@code compute}
 * does the least bookkeeping Farewell's rules need, and nothing else. Per page: its id, newest
 * sequence number, hidden flag and deadline; per session: its pages and its own deadline (the
 * latest page deadline, or the end of the exit grace once the last page left). Old sequence numbers
 * are ignored. No expiry, no release, no limits, no tombstones, no timer: what is left of
 * Farewell's cost above this is what those features cost.
 */
final class BaselineSessionTable implements SignalTarget {

  private final ConcurrentHashMap<String, Session> sessions;
  private final long heartbeatTimeoutNanos;
  private final long hiddenTimeoutNanos;
  private final long exitGraceNanos;

  BaselineSessionTable(
      int expectedSessions, Duration heartbeatTimeout, Duration hiddenTimeout, Duration exitGrace) {
    this.sessions = new ConcurrentHashMap<>(expectedSessions);
    this.heartbeatTimeoutNanos = heartbeatTimeout.toNanos();
    this.hiddenTimeoutNanos = hiddenTimeout.toNanos();
    this.exitGraceNanos = exitGrace.toNanos();
  }

  @Override
  public Object apply(Signal signal) {
    long now = System.nanoTime();
    return sessions.compute(
        signal.sessionKey(),
        (key, session) -> {
          if (session == null) {
            if (signal.type() == SignalType.EXIT) {
              return null;
            }
            session = new Session();
          }
          session.apply(signal, now, this);
          return session;
        });
  }

  @Override
  public long liveSessions() {
    return sessions.size();
  }

  @Override
  public void close() {
    sessions.clear();
  }

  /** Read by the memory figure's checks: the deadline of one session, or -1. */
  long deadline(String key) {
    Session session = sessions.get(key);
    return (session == null) ? -1 : session.deadline;
  }

  private static final class Page {
    final String id;
    long sequence = -1;
    boolean hidden;
    long deadline;

    Page(String id) {
      this.id = id;
    }
  }

  private static final class Session {
    private static final Page[] NO_PAGES = new Page[0];

    Page[] pages = NO_PAGES;
    long deadline;

    void apply(Signal signal, long now, BaselineSessionTable table) {
      int index = indexOf(signal.pageId());
      if (index < 0) {
        if (signal.type() == SignalType.EXIT) {
          return;
        }
        pages = Arrays.copyOf(pages, pages.length + 1);
        index = pages.length - 1;
        pages[index] = new Page(signal.pageId());
      }
      Page page = pages[index];
      if (signal.sequence() <= page.sequence) {
        return;
      }
      page.sequence = signal.sequence();
      if (signal.type() == SignalType.EXIT) {
        Page[] left = new Page[pages.length - 1];
        System.arraycopy(pages, 0, left, 0, index);
        System.arraycopy(pages, index + 1, left, index, left.length - index);
        pages = left;
      } else {
        page.hidden =
            signal.type() == SignalType.HIDDEN
                || (signal.type() != SignalType.VISIBLE && signal.hidden());
        page.deadline =
            now + (page.hidden ? table.hiddenTimeoutNanos : table.heartbeatTimeoutNanos);
      }
      if (pages.length == 0) {
        deadline = now + table.exitGraceNanos;
      } else {
        long latest = Long.MIN_VALUE;
        for (Page p : pages) {
          latest = Math.max(latest, p.deadline);
        }
        deadline = latest;
      }
    }

    private int indexOf(String pageId) {
      for (int i = 0; i < pages.length; i++) {
        if (pages[i].id.equals(pageId)) {
          return i;
        }
      }
      return -1;
    }
  }
}
