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
 * One live session and its pages: the value of the store's cache entry. Mutable and guarded by its
 * own monitor: the store changes it inside an atomic update of its cache entry, or in place (see
 * {@link #applyInPlace}) for a signal that needs no change of the entry. A session leaves the store
 * once: {@link #claim()} or {@link #claimIfDue} marks it released, inside the atomic update that
 * removes the entry, and a released session is never changed again.
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
  /** The pages that have not exited (some may have stopped beating), newest first. */
  private Page pages;
  /**
   * The pages that exited, newest first and at most the page limit of them, kept apart from {@link
   * #pages} so that a signal of an open page never walks them: a signal of one of them that arrives
   * after its exit beacon (a heartbeat overtaken by it, with one tab or several) is ignored, and a
   * later signal of it (a page restored from the back/forward cache) brings it back.
   */
  private Page left;
  private boolean exiting;
  /** The application served a page of the session (track) that has not signalled yet. */
  private boolean awaitingPage;
  private long awaitingPageUntil;
  /** A check at the end of the exit grace is scheduled on the store's timer, at graceCheckAt. */
  private boolean graceCheckPending;
  private long graceCheckAt;
  private boolean released;
  /**
   * Pages refused for the page limit that have not exited, newest first and at most the page limit
   * of them; null (no allocation) for the sessions that never refused a page. A refused page that
   * beats keeps its session alive for its timeout, tracked or not; its exit (or its admission once
   * room is made, as a tracked page) takes that hold back.
   */
  private Page refused;
  /** When the cache's timer wheel looks at the entry next (set by the store's expiry). */
  private volatile long checkAt;

  Session(long now, Map<String, String> attributes, Timeouts timeouts) {
    this.trackedAt = now;
    this.lastSignalAt = now;
    this.deadline = now + timeouts.open;
    this.attributes = attributes;
    this.awaitingPage = true;
    this.awaitingPageUntil = deadline;
  }

  /** When the session is due for release if nothing more arrives (ticker nanos). */
  synchronized long deadline() {
    return deadline;
  }

  /**
   * Whether the deadline moved before the entry's check time, so that the entry needs an earlier
   * one. Read by the thread that just changed the session, without the monitor: a change racing
   * with it comes through an atomic update of the entry, which sets the check time anyway.
   */
  boolean checkIsLate() {
    return CaffeineSessionStore.rounded(deadline) - checkAt < 0;
  }

  void checkAt(long time) {
    checkAt = time;
  }

  /**
   * Applies a signal without an atomic update of the cache entry, if that is safe: the session is
   * not released nor due, and the cache's next check of it is more than {@code lead} away (so the
   * entry keeps its check time). Returns null, having changed nothing, when the caller must take
   * the atomic path instead. Afterwards the caller checks {@link #checkIsLate()} and schedules the
   * end of an exit grace.
   */
  synchronized SignalResult applyInPlace(Signal signal, long now, Timeouts timeouts, long lead) {
    if (released || now - deadline >= 0 || checkAt - now <= lead) {
      return null;
    }
    return applyLocked(signal, now, timeouts);
  }

  /** Marks the session released if it is due at {@code now}; returns whether it did. */
  synchronized boolean claimIfDue(long now) {
    if (!released && now - deadline >= 0) {
      released = true;
      return true;
    }
    return false;
  }

  /** Marks the session released, whether due or not; returns false if it already was. */
  synchronized boolean claim() {
    if (released) {
      return false;
    }
    released = true;
    return true;
  }

  synchronized boolean isExiting() {
    return exiting;
  }

  /**
   * If the session is in an exit grace that no pending check ends on time (none is pending, or the
   * pending one comes after the deadline: a shorter grace replaced a longer one), records a check
   * at the end of the grace ({@link #graceCheckAt()}) and returns true.
   */
  synchronized boolean startGraceCheck() {
    if (exiting && (!graceCheckPending || graceCheckAt - deadline > 0)) {
      graceCheckPending = true;
      graceCheckAt = deadline;
      return true;
    }
    return false;
  }

  /** When the pending check at the end of the exit grace runs. */
  synchronized long graceCheckAt() {
    return graceCheckAt;
  }

  /** Records that the check scheduled at {@code at} ran (an older one may run too: ignored). */
  synchronized void graceCheckRan(long at) {
    if (graceCheckPending && graceCheckAt == at) {
      graceCheckPending = false;
    }
  }

  /** Whether the session's deadline has passed at {@code now}: it must be released. */
  synchronized boolean isDue(long now) {
    return now - deadline >= 0;
  }

  /** Why the session is released when its deadline passes. */
  synchronized ReleaseReason dueReason() {
    return exiting ? ReleaseReason.EXIT : ReleaseReason.TIMEOUT;
  }

  /**
   * The application serves a new page of the session: wait for that page at least the open
   * timeout, and cancel a pending exit grace (the user did not leave, they moved on).
   */
  synchronized void refresh(long now, Map<String, String> newAttributes, Timeouts timeouts) {
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
   * {@link #refresh} without an atomic update of the cache entry, if that is safe: the same
   * conditions as {@link #applyInPlace}. Returns false, having changed nothing, when the caller
   * must take the atomic path instead; afterwards the caller checks {@link #checkIsLate()}.
   */
  synchronized boolean refreshInPlace(
      long now, Map<String, String> newAttributes, Timeouts timeouts, long lead) {
    if (released || now - deadline >= 0 || checkAt - now <= lead) {
      return false;
    }
    refresh(now, newAttributes, timeouts);
    return true;
  }

  /**
   * Applies a signal of one of the session's pages. The caller has checked that the session is not
   * due at {@code now}.
   */
  synchronized SignalResult apply(Signal signal, long now, Timeouts timeouts) {
    return applyLocked(signal, now, timeouts);
  }

  private SignalResult applyLocked(Signal signal, long now, Timeouts timeouts) {
    Page page = find(signal.pageId());
    if (page != null && signal.sequence() <= page.sequence) {
      // A signal delayed in the network (a heartbeat overtaken by the exit beacon) must not
      // revive a page.
      return status(false);
    }
    Page refusedPage = (page == null && refused != null) ? findRefused(signal.pageId()) : null;
    if (refusedPage != null && signal.sequence() <= refusedPage.sequence) {
      return SignalResult.full(); // a delayed signal of a refused page: changes nothing
    }
    if (page == null || page.state == PageState.EXITED) {
      // A page that is not open, new or back from an exit, needs room.
      prune(now, timeouts);
      if (pageCount() >= timeouts.maximumPages) {
        return refuse(signal, page, refusedPage, now, timeouts);
      }
      if (page == null) {
        if (refusedPage != null) {
          refused = without(refused, refusedPage); // tracked from now on: its hold is the page itself
          page = refusedPage;
        } else {
          page = new Page(signal.pageId());
        }
        // A page the session did not have: the one the application served has opened.
        awaitingPage = false;
      } else {
        left = without(left, page);
      }
      page.next = pages;
      pages = page;
    }
    page.sequence = signal.sequence();
    page.lastSignalAt = now;
    page.state = stateAfter(signal);
    if (page.state == PageState.EXITED) {
      pages = without(pages, page);
      addExited(page, timeouts.maximumPages);
    }
    lastSignalAt = now;
    return settle(signal, now, timeouts);
  }

  /**
   * Sets the deadline after a signal: the latest deadline of the alive pages, tracked or refused
   * (and not before a pending page's open timeout), or the end of an exit grace when the signal
   * was the exit of the last alive page.
   */
  private SignalResult settle(Signal signal, long now, Timeouts timeouts) {
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
    for (Page p = refused; p != null; p = p.next) {
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
    long grace = signal.navigation() ? timeouts.navigationGrace : timeouts.exitGrace;
    if (awaitingPage && timeouts.navigationGrace > grace) {
      // The application has just served a new page of this session, and this exit is most likely
      // the previous page leaving for it (pagehide fires when the next document is ready to
      // commit): wait as for a navigation. Not for the open timeout: the page served may be a
      // prefetch that is never shown, and the user may have closed the tab.
      grace = timeouts.navigationGrace;
    }
    exiting = true;
    deadline = now + grace;
    return SignalResult.exiting(true);
  }

  /**
   * Refuses a page for the page limit. A refused page that beats still keeps the session alive for
   * its timeout: it is open in a browser, and releasing its session under it would break the
   * promise that a session is never released while one of its pages beats. It is remembered among
   * the refused pages (at most the page limit of them, the oldest forgotten first) until it exits
   * or is admitted; its exit is remembered among the exited pages and takes its hold back.
   *
   * @param exitedPage the page, if it had exited and is back (it leaves the exited pages)
   * @param refusedPage the page, if it is among the refused pages
   */
  private SignalResult refuse(
      Signal signal, Page exitedPage, Page refusedPage, long now, Timeouts timeouts) {
    Page page = refusedPage;
    if (exitedPage != null) {
      left = without(left, exitedPage);
      page = exitedPage;
    } else if (refusedPage != null) {
      refused = without(refused, refusedPage);
    }
    if (page == null) {
      page = new Page(signal.pageId());
    }
    page.sequence = signal.sequence();
    page.lastSignalAt = now;
    page.state = stateAfter(signal);
    if (page.state == PageState.EXITED) {
      addExited(page, timeouts.maximumPages);
    } else {
      addRefused(page, now, timeouts);
    }
    settle(signal, now, timeouts);
    return SignalResult.full();
  }

  private Page findRefused(String pageId) {
    boolean compact = PageIds.isCompact(pageId);
    long high = compact ? PageIds.high(pageId) : 0;
    long low = compact ? PageIds.low(pageId) : 0;
    for (Page p = refused; p != null; p = p.next) {
      if (p.hasId(pageId, compact, high, low)) {
        return p;
      }
    }
    return null;
  }

  /**
   * Remembers a refused page first, after forgetting the refused pages that stopped beating; the
   * oldest is forgotten beyond the page limit.
   */
  private void addRefused(Page page, long now, Timeouts timeouts) {
    Page kept = null;
    Page last = null;
    int count = 0;
    for (Page p = refused; p != null; p = p.next) {
      if (p.isAlive(now, timeouts) && ++count < timeouts.maximumPages) {
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
    page.next = kept;
    refused = page;
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
    // PageIds.isCompact, high and low in one pass (this runs for every signal)
    boolean compact = false;
    long high = 0;
    long low = 0;
    if (PageIds.hasCompactShape(pageId)) {
      long a = PageIds.digits(pageId, 0, 8);
      long b = PageIds.digits(pageId, 9, 13);
      long c = PageIds.digits(pageId, 14, 18);
      long d = PageIds.digits(pageId, 19, 23);
      long e = PageIds.digits(pageId, 24, PageIds.LENGTH);
      compact = (a | b | c | d | e) >= 0;
      high = (a << 32) | (b << 16) | c;
      low = (d << 48) | e;
    }
    for (Page p = pages; p != null; p = p.next) {
      if (p.hasId(pageId, compact, high, low)) {
        return p;
      }
    }
    for (Page p = left; p != null; p = p.next) {
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

  private boolean hasAliveRefusedPage(long now, Timeouts timeouts) {
    for (Page p = refused; p != null; p = p.next) {
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

  /** Returns the list that starts at {@code head} without {@code page}; unlinks {@code page}. */
  private static Page without(Page head, Page page) {
    Page result = head;
    if (head == page) {
      result = page.next;
    } else {
      for (Page p = head; p != null; p = p.next) {
        if (p.next == page) {
          p.next = page.next;
          break;
        }
      }
    }
    page.next = null;
    return result;
  }

  /** Remembers an exited page first; the oldest is forgotten beyond {@code maximum}. */
  private void addExited(Page page, int maximum) {
    page.next = left;
    left = page;
    int count = 1;
    for (Page p = left; p.next != null; p = p.next) {
      if (++count > maximum) {
        p.next = null;
        break;
      }
    }
  }

  /** Forgets pages that stopped beating, to make room for a new one. */
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
    return (hasAlivePage(now, timeouts) || hasAliveRefusedPage(now, timeouts))
        ? SessionState.LIVE
        : SessionState.PENDING;
  }

  synchronized SessionView view(String key, long now, StoreContext context, Timeouts timeouts) {
    List<PageView> views = new ArrayList<>();
    for (Page p = pages; p != null; p = p.next) {
      views.add(p.view(context, timeouts));
    }
    for (Page p = left; p != null; p = p.next) {
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

  synchronized Release toRelease(String key, ReleaseReason reason, long dueAt, long now, StoreContext context) {
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
