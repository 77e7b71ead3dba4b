package dev.farewell.internal;

import dev.farewell.PageState;
import dev.farewell.ReleaseReason;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rules of docs/architecture.md as plain code: no cache, no timer wheel, no concurrency, no
 * shortcuts. Every session's deadline is derived from its state when asked, not kept up to date
 * as the engine does. The model-based test runs random histories against it and the engine and
 * requires the same answers and the same releases. Not thread-safe; times are ticker nanoseconds.
 */
final class RulesModel {

  /** The engine's settings a history runs with. */
  record Rules(
      long heartbeat,
      long hidden,
      long exitGrace,
      long navigationGrace,
      long open,
      long tombstoneTtl,
      int maximumPages,
      long maximumSessions,
      long maximumTombstones) {}

  /** One release, with its times in ticker nanoseconds. */
  record ModelRelease(
      String key,
      ReleaseReason reason,
      Map<String, String> attributes,
      long trackedAt,
      long lastSignalAt,
      long dueAt,
      long releasedAt) {}

  private static final class ModelPage {
    final String id;
    long sequence;
    long lastSignalAt;
    PageState state;

    ModelPage(String id) {
      this.id = id;
    }

    long deadline(Rules rules) {
      return switch (state) {
        case VISIBLE -> lastSignalAt + rules.heartbeat;
        case HIDDEN -> lastSignalAt + rules.hidden;
        case EXITED -> lastSignalAt;
      };
    }

    boolean isAlive(long now, Rules rules) {
      return state != PageState.EXITED && deadline(rules) > now;
    }

    ModelPage copy() {
      ModelPage copy = new ModelPage(id);
      copy.sequence = sequence;
      copy.lastSignalAt = lastSignalAt;
      copy.state = state;
      return copy;
    }
  }

  private static final class ModelSession {
    final long trackedAt;
    long lastSignalAt;
    Map<String, String> attributes;
    /** Pages that have not exited (some may have stopped beating). */
    final List<ModelPage> pages = new ArrayList<>();
    /** Exited pages, newest first, at most maximumPages of them. */
    final List<ModelPage> exited = new ArrayList<>();
    boolean exiting;
    long exitingUntil;
    /** A page the application served (track) has not signalled yet, until awaitingUntil. */
    boolean awaiting;
    long awaitingUntil;
    /**
     * Pages refused for the page limit that have not exited, newest first, at most maximumPages of
     * them: each keeps the session alive while it beats (rule 10).
     */
    final List<ModelPage> refused = new ArrayList<>();

    ModelSession(long trackedAt, Map<String, String> attributes) {
      this.trackedAt = trackedAt;
      this.attributes = attributes;
    }

    ModelSession(long now, Map<String, String> attributes, Rules rules) {
      this.trackedAt = now;
      this.lastSignalAt = now;
      this.attributes = attributes;
      this.awaiting = true;
      this.awaitingUntil = now + rules.open;
    }

    ModelSession copy() {
      ModelSession copy = new ModelSession(trackedAt, attributes);
      copy.lastSignalAt = lastSignalAt;
      pages.forEach(p -> copy.pages.add(p.copy()));
      exited.forEach(p -> copy.exited.add(p.copy()));
      refused.forEach(p -> copy.refused.add(p.copy()));
      copy.exiting = exiting;
      copy.exitingUntil = exitingUntil;
      copy.awaiting = awaiting;
      copy.awaitingUntil = awaitingUntil;
      return copy;
    }

    /** The session's deadline, from the table of docs/architecture.md. */
    long deadline(Rules rules) {
      if (exiting) {
        return exitingUntil;
      }
      long deadline = trackedAt;
      if (awaiting) {
        deadline = Math.max(deadline, awaitingUntil);
      }
      for (ModelPage page : pages) {
        deadline = Math.max(deadline, page.deadline(rules));
      }
      for (ModelPage page : refused) {
        deadline = Math.max(deadline, page.deadline(rules));
      }
      return deadline;
    }

    boolean isDue(long now, Rules rules) {
      return deadline(rules) <= now;
    }

    ReleaseReason dueReason() {
      return exiting ? ReleaseReason.EXIT : ReleaseReason.TIMEOUT;
    }

    ModelPage findRefused(String id) {
      for (ModelPage page : refused) {
        if (page.id.equals(id)) {
          return page;
        }
      }
      return null;
    }

    ModelPage find(String id) {
      for (ModelPage page : pages) {
        if (page.id.equals(id)) {
          return page;
        }
      }
      for (ModelPage page : exited) {
        if (page.id.equals(id)) {
          return page;
        }
      }
      return null;
    }
  }

  private record Tombstone(String key, ReleaseReason reason, long at) {}

  private final Rules rules;
  private final Map<String, ModelSession> live = new TreeMap<>();
  /** Rule 6: tombstones by key, and every tombstone added in order (for the count). */
  private final Map<String, Tombstone> tombstones = new HashMap<>();
  private final ArrayDeque<Tombstone> tombstonesInOrder = new ArrayDeque<>();
  /** The release time of the newest tombstone forgotten by count before its TTL, if any. */
  private boolean forgotten;
  private long forgottenAt;
  private final List<ModelRelease> releases = new ArrayList<>();
  private long now;
  private boolean closed;

  RulesModel(Rules rules) {
    this.rules = rules;
  }

  /** A copy that goes its own way. */
  RulesModel copy() {
    RulesModel copy = new RulesModel(rules);
    live.forEach((key, session) -> copy.live.put(key, session.copy()));
    copy.tombstones.putAll(tombstones);
    copy.tombstonesInOrder.addAll(tombstonesInOrder);
    copy.forgotten = forgotten;
    copy.forgottenAt = forgottenAt;
    copy.releases.addAll(releases);
    copy.now = now;
    copy.closed = closed;
    return copy;
  }

  long now() {
    return now;
  }

  long size() {
    return live.size();
  }

  /** The releases since the last call. */
  List<ModelRelease> takeReleases() {
    List<ModelRelease> taken = new ArrayList<>(releases);
    releases.clear();
    return taken;
  }

  /** Every time at which something changes by itself: deadlines of sessions and pages, tombstones. */
  List<Long> comingTimes() {
    List<Long> times = new ArrayList<>();
    for (ModelSession session : live.values()) {
      times.add(session.deadline(rules));
      times.add(session.awaitingUntil);
      for (ModelPage page : session.pages) {
        times.add(page.deadline(rules));
      }
      for (ModelPage page : session.refused) {
        times.add(page.deadline(rules));
      }
    }
    for (Tombstone tombstone : tombstones.values()) {
      times.add(tombstone.at + rules.tombstoneTtl);
    }
    if (forgotten) {
      times.add(forgottenAt + rules.tombstoneTtl);
    }
    times.removeIf(t -> t <= now);
    times.sort(null);
    return times;
  }

  /**
   * Time passes. Nothing is released by that alone here (the engine under test has no timer
   * thread): a session past its deadline is released by {@link #cleanUp}, by a call that finds it
   * ({@link #signal}, {@link #track}, {@link #release}), or by the cache's maintenance at any moment
   * ({@link #releaseIfDue}), always for its own reason.
   */
  void advance(long nanos) {
    now += nanos;
  }

  /** Rule 9: every session whose deadline has come is released, in the order given first. */
  void cleanUp(List<String> order) {
    if (closed) {
      return;
    }
    for (String key : order) {
      releaseIfDue(key);
    }
    for (String key : new ArrayList<>(live.keySet())) {
      releaseIfDue(key);
    }
  }

  /** Whether the key's session is live and past its deadline. */
  boolean isDue(String key) {
    ModelSession session = live.get(key);
    return session != null && session.isDue(now, rules);
  }

  /** Releases the key's session for its own reason if it is past its deadline; returns whether. */
  boolean releaseIfDue(String key) {
    ModelSession session = live.get(key);
    if (session == null || !session.isDue(now, rules)) {
      return false;
    }
    live.remove(key);
    record(key, session, session.dueReason(), session.deadline(rules));
    return true;
  }

  private void record(String key, ModelSession session, ReleaseReason reason, long dueAt) {
    addTombstone(key, reason);
    releases.add(
        new ModelRelease(
            key, reason, session.attributes, session.trackedAt, session.lastSignalAt, dueAt, now));
  }

  private void addTombstone(String key, ReleaseReason reason) {
    Tombstone tombstone = new Tombstone(key, reason, now);
    tombstones.put(key, tombstone);
    tombstonesInOrder.addLast(tombstone);
    // beyond the maximum the oldest is forgotten; one forgotten before its TTL raises the mark
    while (!tombstonesInOrder.isEmpty()) {
      Tombstone oldest = tombstonesInOrder.peekFirst();
      boolean expired = now - oldest.at >= rules.tombstoneTtl;
      if (tombstonesInOrder.size() <= rules.maximumTombstones && !expired) {
        break;
      }
      tombstonesInOrder.removeFirst();
      if (!expired && tombstones.get(oldest.key) == oldest) {
        forgottenAt = forgotten ? Math.max(forgottenAt, oldest.at) : oldest.at;
        forgotten = true;
      }
      tombstones.remove(oldest.key, oldest);
    }
  }

  /** Rule 6: the reason a key was released for, TIMEOUT under the mark, or null. */
  private ReleaseReason tombstone(String key) {
    Tombstone tombstone = tombstones.get(key);
    if (tombstone != null && now - tombstone.at < rules.tombstoneTtl) {
      return tombstone.reason;
    }
    if (forgotten && now - forgottenAt < rules.tombstoneTtl) {
      return ReleaseReason.TIMEOUT;
    }
    return null;
  }

  SignalResult signal(
      SignalType type, String key, String pageId, long sequence, boolean hidden, boolean nav) {
    if (closed) {
      return SignalResult.closed();
    }
    releaseIfDue(key); // a due session is released for its own reason first, never revived
    ModelSession session = live.get(key);
    if (session == null) {
      ReleaseReason reason = tombstone(key);
      if (reason != null) {
        return SignalResult.released(reason); // rule 6
      }
      if (type == SignalType.EXIT) {
        return SignalResult.exiting(false); // rule 7
      }
      if (live.size() >= rules.maximumSessions) {
        return SignalResult.full(); // rule 10
      }
      session = new ModelSession(now, Map.of(), rules); // rule 7: adoption
      live.put(key, session);
    }
    return apply(session, type, pageId, sequence, hidden, nav);
  }

  private SignalResult apply(
      ModelSession session, SignalType type, String pageId, long sequence, boolean hidden,
      boolean nav) {
    ModelPage page = session.find(pageId);
    if (page != null && sequence <= page.sequence) {
      // rule 4
      return session.exiting ? SignalResult.exiting(false) : SignalResult.live(false);
    }
    ModelPage refused = (page == null) ? session.findRefused(pageId) : null;
    if (refused != null && sequence <= refused.sequence) {
      return SignalResult.full(); // rule 4, for a refused page
    }
    if (page == null || page.state == PageState.EXITED) {
      // rule 10: a page that is not open needs room; pages that stopped beating make it
      session.pages.removeIf(p -> !p.isAlive(now, rules));
      if (session.pages.size() >= rules.maximumPages) {
        // refused; while it beats it keeps the session alive all the same, its exit takes that back
        ModelPage held = refused;
        if (page != null) {
          session.exited.remove(page);
          held = page;
        } else if (refused != null) {
          session.refused.remove(refused);
        }
        if (held == null) {
          held = new ModelPage(pageId);
        }
        held.sequence = sequence;
        held.lastSignalAt = now;
        held.state = stateAfter(type, hidden);
        if (held.state == PageState.EXITED) {
          addExited(session, held);
        } else {
          session.refused.removeIf(p -> !p.isAlive(now, rules));
          while (session.refused.size() >= rules.maximumPages) {
            session.refused.remove(session.refused.size() - 1);
          }
          session.refused.add(0, held);
        }
        settle(session, nav);
        return SignalResult.full();
      }
      if (page == null) {
        if (refused != null) {
          session.refused.remove(refused); // admitted: tracked from now on
          page = refused;
        } else {
          page = new ModelPage(pageId);
        }
        session.awaiting = false; // the page the application served has opened
      } else {
        session.exited.remove(page); // rule 5
      }
      session.pages.add(page);
    }
    page.sequence = sequence;
    page.lastSignalAt = now;
    page.state = stateAfter(type, hidden);
    if (page.state == PageState.EXITED) {
      session.pages.remove(page);
      addExited(session, page);
    }
    session.lastSignalAt = now;
    return settle(session, nav);
  }

  private void addExited(ModelSession session, ModelPage page) {
    session.exited.add(0, page);
    if (session.exited.size() > rules.maximumPages) {
      session.exited.remove(session.exited.size() - 1);
    }
  }

  private SignalResult settle(ModelSession session, boolean nav) {
    if (session.awaiting && session.awaitingUntil <= now) {
      session.awaiting = false;
    }
    boolean alive = false;
    for (ModelPage p : session.pages) {
      alive |= p.isAlive(now, rules);
    }
    for (ModelPage p : session.refused) {
      alive |= p.isAlive(now, rules);
    }
    if (alive) {
      session.exiting = false;
      return SignalResult.live(true);
    }
    // rule 2: the last alive page exited; rule 3: after a track, the exit is a navigation to the
    // page the application served
    long grace = nav ? rules.navigationGrace : rules.exitGrace;
    if (session.awaiting) {
      grace = Math.max(grace, rules.navigationGrace);
    }
    session.exiting = true;
    session.exitingUntil = now + grace;
    return SignalResult.exiting(true);
  }

  private static PageState stateAfter(SignalType type, boolean hidden) {
    return switch (type) {
      case EXIT -> PageState.EXITED;
      case HIDDEN -> PageState.HIDDEN;
      case VISIBLE -> PageState.VISIBLE;
      default -> hidden ? PageState.HIDDEN : PageState.VISIBLE;
    };
  }

  SignalResult track(String key, Map<String, String> attributes) {
    if (closed) {
      return SignalResult.closed();
    }
    releaseIfDue(key); // rule 12's spirit: a due session is released first, then tracked anew
    ModelSession session = live.get(key);
    if (session == null) {
      if (live.size() >= rules.maximumSessions) {
        return SignalResult.full();
      }
      tombstones.remove(key);
      live.put(key, new ModelSession(now, attributes, rules));
      return SignalResult.live(true);
    }
    // rule 3
    if (!attributes.isEmpty()) {
      session.attributes = attributes;
    }
    session.awaiting = true;
    session.awaitingUntil = now + rules.open;
    session.exiting = false;
    return SignalResult.live(true);
  }

  boolean release(String key) {
    if (closed) {
      return false;
    }
    if (releaseIfDue(key)) {
      return true; // rule 12: released for the reason it became due, and the call says so
    }
    ModelSession session = live.remove(key);
    if (session == null) {
      return false;
    }
    record(key, session, ReleaseReason.EXPLICIT, now);
    return true;
  }

  /** Closes; with {@code releaseAll} every live session is released, in the order given first. */
  void close(boolean releaseAll, List<String> order) {
    if (closed) {
      return;
    }
    closed = true;
    if (releaseAll) {
      List<String> keys = new ArrayList<>(order);
      keys.addAll(live.keySet());
      for (String key : keys) {
        ModelSession session = live.remove(key);
        if (session == null) {
          continue;
        }
        if (session.isDue(now, rules)) {
          record(key, session, session.dueReason(), session.deadline(rules)); // rule 11
        } else {
          record(key, session, ReleaseReason.SHUTDOWN, now);
        }
      }
    }
    // without release-on-close the sessions are dropped as they are: still counted, never released
  }
}
