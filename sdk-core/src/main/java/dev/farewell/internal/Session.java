package dev.farewell.internal;

import dev.farewell.PageState;
import dev.farewell.PageView;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.SessionState;
import dev.farewell.SessionView;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import dev.farewell.spi.StoreContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One live session and its pages: the value of the store's cache entry. Mutable, and only ever read
 * or changed inside an atomic update of its cache entry (which serialises all access per key).
 *
 * <p>Kept small on purpose (one of these lives per open browser session): ticker nanoseconds as
 * primitive longs, no {@code Instant}s, no session key (the cache holds it), pages as a linked list,
 * attributes as the shared empty map unless the application attached some.
 */
final class Session {

  private final long trackedAt;
  private long lastSignalAt;
  private long deadline;
  private Map<String, String> attributes;
  private Page pages;
  private boolean exiting;
  /** The application served a page of the session (track) that has not signalled yet. */
  private boolean awaitingPage;
  private long awaitingPageUntil;

  Session(long now, Map<String, String> attributes, Timeouts timeouts) {
    this.trackedAt = now;
    this.lastSignalAt = now;
    this.deadline = now + timeouts.open;
    this.attributes = attributes;
    this.awaitingPage = true;
    this.awaitingPageUntil = deadline;
  }

  /** When the session is due for release if nothing more arrives (ticker nanos). */
  long deadline() {
    return deadline;
  }

  boolean isExiting() {
    return exiting;
  }

  /** Whether the session's deadline has passed at {@code now}: it must be released. */
  boolean isDue(long now) {
    return now - deadline >= 0;
  }

  /** Why the session is released when its deadline passes. */
  ReleaseReason dueReason() {
    return exiting ? ReleaseReason.EXIT : ReleaseReason.TIMEOUT;
  }

  /**
   * The application serves a new page of the session: wait for that page at least the open
   * timeout, and cancel a pending exit grace (the user did not leave, they moved on).
   */
  void refresh(long now, Map<String, String> newAttributes, Timeouts timeouts) {
    if (!newAttributes.isEmpty()) {
      attributes = newAttributes;
    }
    awaitingPage = true;
    awaitingPageUntil = now + timeouts.open;
    if (exiting) {
      exiting = false;
      deadline = awaitingPageUntil;
    } else if (awaitingPageUntil - deadline > 0) {
      deadline = awaitingPageUntil;
    }
  }

  /**
   * Applies a signal of one of the session's pages. The caller has checked that the session is not
   * due at {@code now}.
   */
  SignalResult apply(Signal signal, long now, Timeouts timeouts) {
    Page page = find(signal.pageId());
    if (page != null && signal.sequence() <= page.sequence) {
      // A signal delayed in the network (a heartbeat overtaken by the exit beacon) must not
      // revive a page.
      return status(false);
    }
    if (page == null) {
      if (pageCount() >= timeouts.maximumPages) {
        prune(now, timeouts);
        if (pageCount() >= timeouts.maximumPages) {
          return SignalResult.full();
        }
      }
      page = new Page(signal.pageId());
      page.next = pages;
      pages = page;
      // A page the session did not have: the one the application served has opened.
      awaitingPage = false;
    }
    page.sequence = signal.sequence();
    page.lastSignalAt = now;
    page.state = stateAfter(signal);
    lastSignalAt = now;
    if (awaitingPage && awaitingPageUntil - now <= 0) {
      awaitingPage = false;
    }

    long latest = 0;
    boolean alive = false;
    for (Page p = pages; p != null; p = p.next) {
      if (p.isAlive(now, timeouts)) {
        long pageDeadline = p.deadline(timeouts);
        if (!alive || pageDeadline - latest > 0) {
          latest = pageDeadline;
        }
        alive = true;
      }
    }
    if (alive) {
      exiting = false;
      deadline = (awaitingPage && awaitingPageUntil - latest > 0) ? awaitingPageUntil : latest;
      return SignalResult.live(true);
    }
    // The signal was the exit of the last alive page.
    long graceEnd = now + (signal.navigation() ? timeouts.navigationGrace : timeouts.exitGrace);
    if (awaitingPage && awaitingPageUntil - graceEnd > 0) {
      // The application has just served a new page of this session, and this exit is most likely
      // the previous page leaving for it (pagehide fires after the next document's response
      // arrives): keep waiting for the new page.
      exiting = false;
      deadline = awaitingPageUntil;
      return SignalResult.live(true);
    }
    exiting = true;
    deadline = graceEnd;
    return SignalResult.exiting(true);
  }

  /** The status a page learns for a signal that changed nothing. */
  SignalResult status(boolean accepted) {
    return exiting ? SignalResult.exiting(accepted) : SignalResult.live(accepted);
  }

  private static PageState stateAfter(Signal signal) {
    SignalType type = signal.type();
    if (type == SignalType.EXIT) {
      return PageState.EXITED;
    }
    if (type == SignalType.HIDDEN) {
      return PageState.HIDDEN;
    }
    if (type == SignalType.VISIBLE) {
      return PageState.VISIBLE;
    }
    return signal.hidden() ? PageState.HIDDEN : PageState.VISIBLE;
  }

  private Page find(String pageId) {
    boolean compact = PageIds.isCompact(pageId);
    long high = compact ? PageIds.high(pageId) : 0;
    long low = compact ? PageIds.low(pageId) : 0;
    for (Page p = pages; p != null; p = p.next) {
      if (p.hasId(pageId, compact, high, low)) {
        return p;
      }
    }
    return null;
  }

  private boolean hasAlivePage(long now, Timeouts timeouts) {
    for (Page p = pages; p != null; p = p.next) {
      if (p.isAlive(now, timeouts)) {
        return true;
      }
    }
    return false;
  }

  int pageCount() {
    int count = 0;
    for (Page p = pages; p != null; p = p.next) {
      count++;
    }
    return count;
  }

  /** Forgets pages that exited or stopped beating, to make room for a new one. */
  private void prune(long now, Timeouts timeouts) {
    Page kept = null;
    Page last = null;
    for (Page p = pages; p != null; p = p.next) {
      if (p.isAlive(now, timeouts)) {
        if (last == null) {
          kept = p;
        } else {
          last.next = p;
        }
        last = p;
      }
    }
    if (last != null) {
      last.next = null;
    }
    pages = kept;
  }

  SessionState state(long now, Timeouts timeouts) {
    if (exiting) {
      return SessionState.EXITING;
    }
    return hasAlivePage(now, timeouts) ? SessionState.LIVE : SessionState.PENDING;
  }

  SessionView view(String key, long now, StoreContext context, Timeouts timeouts) {
    List<PageView> views = new ArrayList<>();
    for (Page p = pages; p != null; p = p.next) {
      views.add(p.view(context, timeouts));
    }
    return new SessionView(
        key,
        state(now, timeouts),
        views,
        attributes,
        context.toInstant(trackedAt),
        context.toInstant(lastSignalAt),
        context.toInstant(deadline));
  }

  Release toRelease(String key, ReleaseReason reason, long dueAt, long now, StoreContext context) {
    return new Release(
        key,
        reason,
        attributes,
        context.toInstant(trackedAt),
        context.toInstant(lastSignalAt),
        context.toInstant(dueAt),
        context.toInstant(now));
  }
}
