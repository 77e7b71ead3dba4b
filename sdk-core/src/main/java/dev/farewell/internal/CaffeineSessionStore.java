package dev.farewell.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.SessionView;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import dev.farewell.Ticker;
import dev.farewell.internal.release.Durations;
import dev.farewell.spi.SessionStore;
import dev.farewell.spi.StoreContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory {@link SessionStore} of one node, on a Caffeine cache: one entry per live session
 * with its pages inside, and a variable {@link Expiry} that gives each entry a check time, so that
 * a {@link Scheduler} on the store's timer thread releases sessions that get no traffic at all.
 * Every change of a session holds its monitor; a change of the entry (a new key, a release, a new
 * check time) goes through {@code asMap().compute}, atomic per key. A signal that only moves the
 * deadline later while the check time is far off is applied in place (see {@link #apply}), and so
 * is the tracking of a live session (see {@link #track}).
 *
 * <p>Exactly once: a session leaves the cache either in an atomic update of its own entry (a
 * release by the application, or an update that finds it due) or by Caffeine's expiry, whose
 * eviction listener runs inside the atomic eviction of the entry (also when a {@code compute}
 * meets an expired entry: Caffeine evicts it, then computes as if it were absent). Each path
 * claims the session (under its monitor: the in-place path never changes a claimed session),
 * writes the tombstone and hands the release on before the key can be updated again, so a signal
 * that comes later finds the tombstone and never revives the session.
 *
 * <p>Check times: an entry's Caffeine expiry is a check time, never later than the session's
 * deadline rounded up to the next boundary of Caffeine's timer-wheel buckets (2^30 ns, about
 * 1.07 s), which is when the wheel would evict it anyway. Every change of an entry's expiry by more
 * than a second is a write that Caffeine's maintenance must apply to the wheel under one lock, and
 * a heartbeat moves the deadline by its interval; so a deadline that moves later leaves the check
 * time where it is while that is more than half a heartbeat timeout away (see {@link
 * DeadlineExpiry}), and a session moves in the wheel about once per half timeout instead of once
 * per signal. When the wheel reaches a check time before the deadline, the eviction listener parks
 * the session (it is not released), and the next signal or the timer's next run puts it back with
 * its true deadline. A deadline that moves earlier (an exit grace, a page coming back into view)
 * moves the check time at once.
 *
 * <p>Precision: the timer thread ({@link StoreTimer}) runs the maintenance just after each bucket
 * boundary, so a {@code TIMEOUT} is released at most about a bucket after its deadline; {@link
 * #cleanUp()} is deterministic (the wheel evicts every entry whose check time has passed, and a
 * sweep releases those due by the exact deadline but not yet by the rounded one). Exit graces are
 * short and users notice them, so a check on the timer thread releases each session at the exact
 * end of its grace (one check pending per session at most).
 *
 * <p>Thread-safe. Created by {@code Farewell} when no other store is configured.
 */
public final class CaffeineSessionStore implements SessionStore {

  private static final Logger logger = LoggerFactory.getLogger(CaffeineSessionStore.class);

  /** Caffeine's timer wheel bucket: 2^30 ns, about 1.07 s. */
  private static final long BUCKET_MASK = (1L << 30) - 1;

  /** How long after a bucket boundary the store's own maintenance runs. */
  private static final long BUCKET_TICK_SLACK_NANOS = 2_000_000L;

  /**
   * How long close waits at most for the timer's task in progress before it goes on without (and
   * never longer than what is left of the engine's shutdown timeout).
   */
  private static final long TIMER_STOP_WAIT_NANOS = 5_000_000_000L;

  /** How often a store at its maximum of sessions may run Caffeine's maintenance to make room. */
  private static final long FULL_CLEAN_UP_INTERVAL_NANOS = 100_000_000L;

  private final boolean background;
  private final AtomicLong live = new AtomicLong();
  /**
   * Sessions that Caffeine evicted at a check time before their deadline, until a signal or the
   * timer puts them back. A key is here or in the cache, never both; both change only inside the
   * atomic update of the key's cache entry (the eviction listener runs inside one too).
   */
  private final ConcurrentHashMap<String, Session> parked = new ConcurrentHashMap<>();
  /** Atomic updates that may add a session and have not returned (see {@link #enterUpdate}). */
  private final LongAdder updating = new LongAdder();
  private final LongAdder graceChecks = new LongAdder();
  /**
   * Releases claimed inside an atomic update, waiting to be handed to the pipeline once the thread
   * that claimed them has let go of the store's locks (see {@link #handOver()}).
   */
  private final ConcurrentLinkedQueue<Release> claimed = new ConcurrentLinkedQueue<>();
  /**
   * The {@link #release} call running on this thread, if any: a {@code compute} that meets an
   * expired entry releases it through the eviction listener before our function runs (and the
   * same maintenance may evict other due sessions after it), and {@link #release} must still learn
   * whether its own key was released.
   */
  private final ThreadLocal<ReleaseCall> releaseCall = new ThreadLocal<>();

  /** One {@link #release} call: its key, and whether the eviction listener released that key. */
  private static final class ReleaseCall {
    final String key;
    boolean releasedByEviction;

    ReleaseCall(String key) {
      this.key = key;
    }
  }
  private final AtomicLong lastFullCleanUp = new AtomicLong(Long.MIN_VALUE);
  /** No more signals nor tracking. */
  private volatile boolean closed;
  /** No more releases either (after close and its release-all). */
  private volatile boolean stopped;

  // Set once by start(), which the engine calls in its constructor before it is published (it
  // holds the store in a final field); the timer thread is started after they are set.
  private StoreContext context;
  private Ticker ticker;
  private Timeouts timeouts;
  private long maximumSessions;
  private Tombstones tombstones;
  /** How far off an entry's check time must be for a signal to leave it (half a heartbeat). */
  private long lead;
  private StoreTimer timer;
  private Cache<String, Session> sessions;
  private ConcurrentMap<String, Session> map;
  private Policy<String, Session> policy;

  /** Creates a store that releases sessions on its own timer thread. */
  public CaffeineSessionStore() {
    this(true);
  }

  /**
   * Creates a store; without {@code background} it has no timer thread, runs Caffeine's
   * maintenance on the calling thread, and releases only when a call finds a session due or on
   * {@link #cleanUp()} (for deterministic tests).
   */
  CaffeineSessionStore(boolean background) {
    this.background = background;
  }

  @Override
  public synchronized void start(StoreContext context) {
    if (this.context != null) {
      throw new IllegalStateException("the store was already started");
    }
    this.context = context;
    this.ticker = context.ticker();
    this.timeouts = new Timeouts(context.rules());
    this.maximumSessions = context.rules().maximumSessions();
    this.tombstones = new Tombstones(context.rules().maximumTombstones(), timeouts.tombstoneTtl);
    this.lead = timeouts.heartbeat / 2;

    // Caffeine's maintenance runs on whichever thread triggers it: a request thread only tries the
    // lock (it never waits for the timer's work), and handing every drain to the timer thread
    // costs a thread wake-up per write burst (measured: about 1.5x slower signals).
    // (Caffeine hands it the drain task while it holds its eviction lock: releases claimed by the
    // maintenance are handed over by the caller once it returns, never from in here.)
    Executor maintenance = Runnable::run;
    Scheduler scheduler = Scheduler.disabledScheduler();
    if (background) {
      timer = new StoreTimer();
      StoreTimer caffeinesTimer = timer;
      // Maintenance that Caffeine's scheduler runs on the timer thread: hand its releases over
      // once it has let go of the eviction lock.
      scheduler =
          (executor, command, delay, unit) ->
              caffeinesTimer.schedule(
                  executor,
                  () -> {
                    try {
                      command.run();
                    } finally {
                      handOver();
                    }
                  },
                  delay,
                  unit);
    }
    sessions =
        Caffeine.newBuilder()
            .ticker(ticker::read)
            .executor(maintenance)
            .scheduler(scheduler)
            .evictionListener(this::onEviction)
            .expireAfter(new DeadlineExpiry(lead))
            .build();
    map = sessions.asMap();
    policy = sessions.policy();
    if (background) {
      // Caffeine's scheduler paces its runs at least a bucket apart at arbitrary phases, which can
      // add a second bucket of lateness to a TIMEOUT: run the maintenance right after each bucket
      // boundary, when the entries rounded up to it have become due.
      timer.afterEachBoundary(
          ticker, BUCKET_MASK + 1, BUCKET_TICK_SLACK_NANOS, "Releasing due sessions",
          this::runMaintenance);
      // Tombstones are trimmed as releases add new ones; this forgets expired ones in quiet times.
      long trimEvery = Math.max(1_000_000_000L, Math.min(timeouts.tombstoneTtl, 60_000_000_000L));
      timer.every(trimEvery, "Trimming tombstones", () -> tombstones.trim(ticker.read()));
    }
  }

  @Override
  public SignalResult apply(Signal signal) {
    if (closed) {
      return SignalResult.closed();
    }
    try {
      return applyAndClaim(signal);
    } finally {
      if (!claimed.isEmpty()) {
        handOver();
      }
    }
  }

  private SignalResult applyAndClaim(Signal signal) {
    // Most signals are heartbeats of a live session that move its deadline later: applied in
    // place, they cost the cache a quiet read (the entry's place in Caffeine's policy does not
    // change) instead of an atomic update.
    Session present = policy.getIfPresentQuietly(signal.sessionKey());
    if (present != null) {
      long now = ticker.read();
      SignalResult result = present.applyInPlace(signal, now, timeouts, lead);
      if (result != null) {
        if (present.checkIsLate()) {
          // The deadline moved before the entry's check time (an exit grace, a page back in view
          // after a long hidden timeout): give the entry an earlier one.
          map.compute(signal.sessionKey(), this::releaseIfDue);
        }
        if (result.accepted() && result.status() == SignalResult.Status.EXITING) {
          checkGraceEnd(signal.sessionKey(), present, now);
        }
        return result;
      }
    }
    if (!enterUpdate()) {
      return SignalResult.closed();
    }
    try {
      return applyAtomically(signal);
    } finally {
      updating.decrement();
    }
  }

  private SignalResult applyAtomically(Signal signal) {
    makeRoomIfFull();
    SignalResult[] result = new SignalResult[1];
    map.compute(
        signal.sessionKey(),
        (key, session) -> {
          long now = ticker.read();
          session = releasedIfDue(key, unparked(key, session), now);
          if (session == null) {
            ReleaseReason reason = tombstones.reasonFor(key, now);
            if (reason != null) {
              result[0] = SignalResult.released(reason);
              return null;
            }
            if (signal.type() == SignalType.EXIT) {
              // Nothing to release: the session is unknown here (never tracked, or forgotten).
              result[0] = SignalResult.exiting(false);
              return null;
            }
            if (!reserve()) {
              result[0] = SignalResult.full();
              return null;
            }
            // A page that outlived a restart of the engine: adopt its session.
            session = new Session(now, Map.of(), timeouts);
          }
          result[0] = session.apply(signal, now, timeouts);
          if (result[0].accepted()) {
            checkGraceEnd(key, session, now);
          }
          return session;
        });
    return result[0];
  }

  @Override
  public SignalResult track(String sessionKey, Map<String, String> attributes) {
    if (closed) {
      return SignalResult.closed();
    }
    // Most pages are served to a live session: as for a heartbeat (see applyAndClaim), its
    // deadline moves later in place, and the cache sees a quiet read instead of an atomic update.
    Session present = policy.getIfPresentQuietly(sessionKey);
    if (present != null && present.refreshInPlace(ticker.read(), attributes, timeouts, lead)) {
      if (present.checkIsLate()) {
        // (the open timeout ended an exit grace that was longer than it)
        map.compute(sessionKey, this::releaseIfDue);
        handOver();
      }
      return SignalResult.live(true);
    }
    if (!enterUpdate()) {
      return SignalResult.closed();
    }
    try {
      return trackAtomically(sessionKey, attributes);
    } finally {
      updating.decrement();
      handOver();
    }
  }

  private SignalResult trackAtomically(String sessionKey, Map<String, String> attributes) {
    makeRoomIfFull();
    SignalResult[] result = new SignalResult[1];
    map.compute(
        sessionKey,
        (key, session) -> {
          long now = ticker.read();
          session = releasedIfDue(key, unparked(key, session), now);
          if (session == null) {
            if (!reserve()) {
              result[0] = SignalResult.full();
              return null;
            }
            tombstones.clear(key);
            result[0] = SignalResult.live(true);
            return new Session(now, attributes, timeouts);
          }
          session.refresh(now, attributes, timeouts);
          result[0] = SignalResult.live(true);
          return session;
        });
    return result[0];
  }

  @Override
  public boolean release(String sessionKey, ReleaseReason reason) {
    if (closed) {
      return false;
    }
    boolean[] released = new boolean[1];
    ReleaseCall outer = releaseCall.get();
    ReleaseCall call = new ReleaseCall(sessionKey);
    releaseCall.set(call);
    try {
      map.compute(
          sessionKey,
          (key, session) -> {
            released[0] = releaseNow(key, unparked(key, session), reason);
            return null;
          });
      return released[0] || call.releasedByEviction;
    } finally {
      if (outer == null) {
        releaseCall.remove();
      } else {
        releaseCall.set(outer);
      }
      handOver();
    }
  }

  @Override
  public Optional<SessionView> session(String sessionKey) {
    try {
      return view(sessionKey);
    } finally {
      handOver();
    }
  }

  private Optional<SessionView> view(String sessionKey) {
    SessionView[] view = new SessionView[1];
    map.compute(
        sessionKey,
        (key, session) -> {
          long now = ticker.read();
          session = releasedIfDue(key, unparked(key, session), now);
          if (session != null) {
            view[0] = session.view(key, now, context, timeouts);
          }
          return session;
        });
    return Optional.ofNullable(view[0]);
  }

  @Override
  public void forEachSession(Consumer<SessionView> consumer) {
    // Caffeine's iterators skip entries whose check time has passed, and the timer may park and
    // put back a session while this runs: list the cache, let the maintenance park what the
    // iterator skipped, list the parked ones, then the cache again (the timer may have put some
    // back meanwhile), each session once.
    Set<String> listed = new HashSet<>();
    try {
      listAll(map.keySet(), listed, consumer);
      sessions.cleanUp();
      listAll(parked.keySet(), listed, consumer);
      listAll(map.keySet(), listed, consumer);
    } finally {
      handOver();
    }
  }

  private void listAll(Set<String> keys, Set<String> listed, Consumer<SessionView> consumer) {
    for (String key : keys) {
      if (!listed.contains(key)) {
        view(key)
            .ifPresent(
                view -> {
                  listed.add(key);
                  consumer.accept(view);
                });
      }
    }
  }

  @Override
  public long size() {
    return live.get();
  }

  /** The number of released keys still remembered. */
  int tombstoneCount() {
    return tombstones.size();
  }

  /** How many checks at the end of an exit grace were scheduled so far. */
  long graceChecksScheduled() {
    return graceChecks.sum();
  }

  /** The number of sessions parked right now (see the class comment). */
  int parkedCount() {
    return parked.size();
  }

  /** Runs what the timer thread runs after each bucket boundary: Caffeine's maintenance, then unpark. */
  void runMaintenance() {
    try {
      sessions.cleanUp();
      unparkAll();
    } finally {
      handOver();
    }
  }

  @Override
  public void cleanUp() {
    if (stopped) {
      return;
    }
    try {
      // The timer wheel evicts every entry whose check time has passed (parking those not due) ...
      sessions.cleanUp();
      unparkAll();
      // ... and this sweep releases those due by the exact deadline but not yet by the rounded one.
      for (String key : map.keySet()) {
        map.compute(key, this::releaseIfDue);
      }
      tombstones.trim(ticker.read());
    } finally {
      handOver();
    }
  }

  @Override
  public void close(boolean releaseAll) {
    closed = true;
    // An update that saw the store open may still add a session: let it finish first, so that
    // the release-all below sees it.
    for (int spins = 0; updating.sum() != 0; spins++) {
      if (spins < 100) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
    if (timer != null
        && !timer.shutdownAndWait(
            Math.min(
                TIMER_STOP_WAIT_NANOS, Durations.saturatedNanos(context.closeTimeLeft())))) {
      // A task of the timer is still running (a release action on a same-thread executor that
      // blocks, or close called from one): the passes below do not depend on it having stopped.
      logger.warn("The store's timer has not stopped yet; closing all the same");
    }
    if (releaseAll) {
      releaseAllOnClose();
    }
    stopped = true;
    handOver();
  }

  /**
   * Releases every live session with {@code SHUTDOWN}. Caffeine's key iterator skips entries whose
   * check time has passed: its maintenance evicts them first (parking those not due), and the
   * passes go on until the count of live sessions, exact, says none is left.
   */
  private void releaseAllOnClose() {
    for (int pass = 0; live.get() > 0; pass++) {
      if (pass == 100) {
        logger.error("{} session(s) could not be released on close", live.get());
        return;
      }
      sessions.cleanUp();
      List<String> keys = new ArrayList<>(map.keySet());
      keys.addAll(parked.keySet());
      for (String key : keys) {
        map.compute(
            key,
            (k, session) -> {
              releaseNow(k, unparked(k, session), ReleaseReason.SHUTDOWN);
              return null;
            });
        // Hand each release on at once: with the pipeline full, close waits here for room.
        handOver();
      }
    }
  }

  /**
   * Counts an atomic update that may add a session, unless the store is closed. The count goes up
   * before the check, and {@link #close} sets the flag before it waits for the count: an update
   * either sees the store closed or is waited for.
   */
  private boolean enterUpdate() {
    updating.increment();
    if (closed) {
      updating.decrement();
      return false;
    }
    return true;
  }

  /**
   * At the maximum of sessions, lets Caffeine evict the sessions that are due before a new one is
   * refused (at most every 100 ms, so that a flood of new keys cannot keep the store busy).
   */
  private void makeRoomIfFull() {
    if (live.get() < maximumSessions) {
      return;
    }
    long now = ticker.read();
    long last = lastFullCleanUp.get();
    if ((last == Long.MIN_VALUE || now - last >= FULL_CLEAN_UP_INTERVAL_NANOS)
        && lastFullCleanUp.compareAndSet(last, now)) {
      sessions.cleanUp();
      unparkAll();
    }
  }

  /** A remapping function: releases the key's session (in the cache or parked) if it is due. */
  private Session releaseIfDue(String key, Session session) {
    return releasedIfDue(key, unparked(key, session), ticker.read());
  }

  /**
   * The key's session: {@code session} (the cache's value), or else the parked one, taken back.
   * Called inside the atomic update of the key's entry.
   */
  private Session unparked(String key, Session session) {
    return (session != null) ? session : parked.remove(key);
  }

  /**
   * Hands the releases claimed so far to the pipeline. Called by every thread that may have claimed
   * one, once it holds none of the store's locks, so that no release action (with a same-thread
   * executor, or a pool that runs tasks on the caller when full) ever runs inside the store's
   * atomic updates or Caffeine's eviction. Any thread may hand over another's releases: each is
   * taken from the queue once.
   */
  private void handOver() {
    Release release;
    while ((release = claimed.poll()) != null) {
      try {
        context.released(release);
      } catch (RuntimeException e) {
        logger.error(
            "Could not hand the release of session {} to the release pipeline",
            release.sessionKey(), e);
      }
    }
  }

  /** Puts the parked sessions back into the cache (their check time is then their deadline). */
  private void unparkAll() {
    for (String key : parked.keySet()) {
      map.compute(key, this::releaseIfDue);
    }
  }

  /** Caffeine's eviction listener: runs inside the atomic eviction of the entry. */
  private void onEviction(String key, Session session, RemovalCause cause) {
    if (key == null || session == null) {
      return;
    }
    if (cause == RemovalCause.EXPIRED) {
      long now = ticker.read();
      if (session.claimIfDue(now)) {
        releaseDue(key, session, now);
        ReleaseCall call = releaseCall.get();
        if (call != null && call.key.equals(key)) {
          call.releasedByEviction = true;
        }
      } else {
        // The wheel reached a check time that a later deadline has left behind: keep the session.
        parked.put(key, session);
      }
    } else if (session.claim()) {
      // Cannot happen: the cache has no maximum size and holds strong references.
      logger.error("Session {} was evicted for {}; releasing it as TIMEOUT", key, cause);
      release(key, session, ReleaseReason.TIMEOUT, session.deadline(), ticker.read());
    }
  }

  /**
   * Releases {@code session} (null: nothing to do) with {@code reason}, or for its own reason if it
   * is due already; returns whether this call released it. Called inside the atomic update that
   * removes its entry.
   */
  private boolean releaseNow(String key, Session session, ReleaseReason reason) {
    if (session == null) {
      return false;
    }
    long now = ticker.read();
    if (session.claimIfDue(now)) {
      // Due already: this call releases it all the same, for the reason it became due.
      releaseDue(key, session, now);
      return true;
    }
    if (session.claim()) {
      release(key, session, reason, now, now);
      return true;
    }
    return false;
  }

  /** Records the release of a claimed session that was due. */
  private void releaseDue(String key, Session session, long now) {
    release(key, session, session.dueReason(), session.deadline(), now);
  }

  /**
   * Releases {@code session} if it is due at {@code now} (inside the atomic update of its entry)
   * and returns null then; otherwise returns it unchanged.
   */
  private Session releasedIfDue(String key, Session session, long now) {
    if (session != null && session.claimIfDue(now)) {
      releaseDue(key, session, now);
      return null;
    }
    return session;
  }

  /**
   * Records the release of a claimed session; called exactly once per session (the claim sees to
   * that), inside the atomic update of its entry.
   */
  private void release(String key, Session session, ReleaseReason reason, long dueAt, long now) {
    live.decrementAndGet();
    if (stopped) {
      return; // closed without release-all: sessions are dropped, not released
    }
    tombstones.add(key, reason, now);
    // Handed to the pipeline by handOver(), once this thread has let go of the store's locks.
    claimed.add(session.toRelease(key, reason, dueAt, now, context));
  }

  /** Takes a place for a new session, unless the store holds its maximum. */
  private boolean reserve() {
    while (true) {
      long count = live.get();
      if (count >= maximumSessions) {
        return false;
      }
      if (live.compareAndSet(count, count + 1)) {
        return true;
      }
    }
  }

  /** {@code time} rounded up to a boundary of the timer wheel's buckets. */
  static long rounded(long time) {
    return (time + BUCKET_MASK) & ~BUCKET_MASK;
  }

  /**
   * Schedules a check that releases the session at the exact end of its exit grace, unless one is
   * pending that comes soon enough. Caffeine alone would release it up to a timer-wheel bucket
   * (about 1 s) late. Called inside the atomic update of the key's entry.
   */
  private void checkGraceEnd(String key, Session session, long now) {
    if (timer == null || !session.startGraceCheck()) {
      return;
    }
    long at = session.graceCheckAt();
    graceChecks.increment();
    timer.after(
        at - now,
        "Checking the exit grace of a session",
        () -> {
          try {
            map.compute(
                key,
                (k, current) -> {
                  current = releaseIfDue(k, current);
                  if (current != null) {
                    // Not due: the session came back, or its grace was extended; check again.
                    current.graceCheckRan(at);
                    checkGraceEnd(k, current, ticker.read());
                  }
                  return current;
                });
          } finally {
            handOver();
          }
        });
  }

  /**
   * Gives each entry a check time: its session's deadline rounded up to a timer-wheel bucket
   * boundary, or an earlier check time it already had, while that is more than {@code lead} away.
   */
  private static final class DeadlineExpiry implements Expiry<String, Session> {
    private final long lead;

    DeadlineExpiry(long lead) {
      this.lead = lead;
    }

    @Override
    public long expireAfterCreate(String key, Session session, long currentTime) {
      long checkAt = rounded(session.deadline());
      session.checkAt(checkAt);
      return checkAt - currentTime;
    }

    @Override
    public long expireAfterUpdate(
        String key, Session session, long currentTime, long currentDuration) {
      long untilDeadline = rounded(session.deadline()) - currentTime;
      long duration = currentDuration;
      if (untilDeadline - currentDuration < 0 || currentDuration <= lead) {
        duration = untilDeadline;
      }
      session.checkAt(currentTime + duration);
      return duration;
    }

    @Override
    public long expireAfterRead(
        String key, Session session, long currentTime, long currentDuration) {
      return currentDuration;
    }

  }
}
