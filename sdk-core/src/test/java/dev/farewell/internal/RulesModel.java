package dev.farewell.internal;

import dev.farewell.PageState;
import dev.farewell.ReleaseReason;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
      long maximumSessions) {}

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
    /** Pages refused for the page limit keep the session alive until then (rule 10). */
    long refusedUntil;

    ModelSession(long now, Map<String, String> attributes, Rules rules) {
      this.trackedAt = now;
      this.lastSignalAt = now;
      this.attributes = attributes;
      this.awaiting = true;
      this.awaitingUntil = now + rules.open;
      this.refusedUntil = now;
    }

    /** The session's deadline, from the table of docs/architecture.md. */
    long deadline(Rules rules) {
      if (exiting) {
        return exitingUntil;
      }
      long deadline = refusedUntil;
      if (awaiting) {
        deadline = Math.max(deadline, awaitingUntil);
      }
      for (ModelPage page : pages) {
        deadline = Math.max(deadline, page.deadline(rules));
      }
      return deadline;
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

  private record Tombstone(ReleaseReason reason, long at) {}

  private final Rules rules;
  private final Map<String, ModelSession> live = new TreeMap<>();
  private final Map<String, Tombstone> tombstones = new HashMap<>();
  private final List<ModelRelease> releases = new ArrayList<>();
  private long now;
  private boolean closed;

  RulesModel(Rules rules) {
    this.rules = rules;
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
      times.add(session.refusedUntil);
      for (ModelPage page : session.pages) {
        times.add(page.deadline(rules));
      }
    }
    for (Tombstone tombstone : tombstones.values()) {
      times.add(tombstone.at + rules.tombstoneTtl);
    }
    times.removeIf(t -> t <= now);
    times.sort(null);
    return times;
  }

  /** Time passes; every session whose deadline has come is released (rule 9). */
  void advance(long nanos) {
    now += nanos;
    if (closed) {
      return; // a closed engine releases nothing more
    }
    for (String key : new ArrayList<>(live.keySet())) {
      ModelSession session = live.get(key);
      long deadline = session.deadline(rules);
      if (deadline <= now) {
        live.remove(key);
        record(key, session, session.exiting ? ReleaseReason.EXIT : ReleaseReason.TIMEOUT, deadline);
      }
    }
  }

  private void record(String key, ModelSession session, ReleaseReason reason, long dueAt) {
    tombstones.put(key, new Tombstone(reason, now));
    releases.add(
        new ModelRelease(
            key, reason, session.attributes, session.trackedAt, session.lastSignalAt, dueAt, now));
  }

  private ReleaseReason tombstone(String key) {
    Tombstone tombstone = tombstones.get(key);
    if (tombstone == null || now - tombstone.at >= rules.tombstoneTtl) {
      return null;
    }
    return tombstone.reason;
  }

  SignalResult signal(
      SignalType type, String key, String pageId, long sequence, boolean hidden, boolean nav) {
    if (closed) {
      return SignalResult.closed();
    }
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
    if (page == null || page.state == PageState.EXITED) {
      // rule 10: a page that is not open needs room; pages that stopped beating make it
      session.pages.removeIf(p -> !p.isAlive(now, rules));
      if (session.pages.size() >= rules.maximumPages) {
        if (type != SignalType.EXIT) {
          // a refused page that beats keeps its session alive all the same
          long until =
              now + (stateAfter(type, hidden) == PageState.HIDDEN ? rules.hidden : rules.heartbeat);
          session.refusedUntil = Math.max(session.refusedUntil, until);
        }
        return SignalResult.full();
      }
      if (page == null) {
        page = new ModelPage(pageId);
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
      session.exited.add(0, page);
      if (session.exited.size() > rules.maximumPages) {
        session.exited.remove(session.exited.size() - 1);
      }
    }
    session.lastSignalAt = now;
    if (session.awaiting && session.awaitingUntil <= now) {
      session.awaiting = false;
    }
    boolean alive = session.refusedUntil > now;
    for (ModelPage p : session.pages) {
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
    ModelSession session = live.remove(key);
    if (session == null) {
      return false;
    }
    record(key, session, ReleaseReason.EXPLICIT, now);
    return true;
  }

  void close(boolean releaseAll) {
    closed = true;
    if (releaseAll) {
      for (Map.Entry<String, ModelSession> entry : new LinkedHashMap<>(live).entrySet()) {
        record(entry.getKey(), entry.getValue(), ReleaseReason.SHUTDOWN, now);
      }
      live.clear();
    }
    // without release-on-close the sessions are dropped as they are: still counted, never released
  }
}
