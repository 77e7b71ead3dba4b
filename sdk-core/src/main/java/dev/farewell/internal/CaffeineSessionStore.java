package dev.farewell.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import dev.farewell.ReleaseReason;
import dev.farewell.SessionView;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import dev.farewell.Ticker;
import dev.farewell.spi.SessionStore;
import dev.farewell.spi.StoreContext;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory {@link SessionStore} of one node, on a Caffeine cache: one entry per live session
 * with its pages inside, every change through {@code asMap().compute} (atomic per key), and a
 * variable {@link Expiry} that gives each entry its deadline, so that a {@link Scheduler} on the
 * store's timer thread releases sessions that get no traffic at all.
 *
 * <p>Exactly once: a session leaves the cache either in an atomic update of its own entry (a
 * release by the application, or an update that finds it due) or by Caffeine's expiry, whose
 * eviction listener runs inside the atomic eviction of the entry (also when a {@code compute}
 * meets an expired entry: Caffeine evicts it, then computes as if it were absent). Each path
 * writes the tombstone and hands the release on before the key can be updated again, so a signal
 * that comes later finds the tombstone and never revives the session.
 *
 * <p>Precision: Caffeine's timer wheel works in buckets of 2^30 ns (about 1.07 s). Each entry's
 * Caffeine deadline is the session's deadline rounded up to the next bucket boundary, which is when
 * the wheel would evict it anyway; that makes {@link #cleanUp()} deterministic (the wheel evicts
 * every entry whose rounded deadline has passed, and a sweep releases the few that are due but not
 * yet rounded up). The timer thread ({@link StoreTimer}) runs the maintenance just after each
 * bucket boundary, so a {@code TIMEOUT} is released at most about a bucket after its deadline. Exit
 * graces are short and users notice them, so a check on the timer thread releases each session at
 * the exact end of its grace.
 *
 * <p>Thread-safe. Created by {@code Farewell} when no other store is configured.
 */
public final class CaffeineSessionStore implements SessionStore {

  private static final Logger logger = LoggerFactory.getLogger(CaffeineSessionStore.class);

  /** Caffeine's timer wheel bucket: 2^30 ns, about 1.07 s. */
  private static final long BUCKET_MASK = (1L << 30) - 1;

  /** How long after a bucket boundary the store's own maintenance runs. */
  private static final long BUCKET_TICK_SLACK_NANOS = 2_000_000L;

  /** How often a store at its maximum of sessions may run Caffeine's maintenance to make room. */
  private static final long FULL_CLEAN_UP_INTERVAL_NANOS = 100_000_000L;

  private final boolean background;
  private final AtomicLong live = new AtomicLong();
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
  private StoreTimer timer;
  private Cache<String, Session> sessions;
  private ConcurrentMap<String, Session> map;

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

    // Caffeine's maintenance runs on whichever thread triggers it: a request thread only tries the
    // lock (it never waits for the timer's work), and handing every drain to the timer thread
    // costs a thread wake-up per write burst (measured: about 1.5x slower signals).
    Executor maintenance = Runnable::run;
    Scheduler scheduler = Scheduler.disabledScheduler();
    if (background) {
      timer = new StoreTimer();
      scheduler = timer;
    }
    sessions =
        Caffeine.newBuilder()
            .ticker(ticker::read)
            .executor(maintenance)
            .scheduler(scheduler)
            .evictionListener(this::onEviction)
            .expireAfter(new DeadlineExpiry())
            .build();
    map = sessions.asMap();
    if (background) {
      // Caffeine's scheduler paces its runs at least a bucket apart at arbitrary phases, which can
      // add a second bucket of lateness to a TIMEOUT: run the maintenance right after each bucket
      // boundary, when the entries rounded up to it have become due.
      timer.afterEachBoundary(
          ticker, BUCKET_MASK + 1, BUCKET_TICK_SLACK_NANOS, "Releasing due sessions",
          sessions::cleanUp);
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
    makeRoomIfFull();
    SignalResult[] result = new SignalResult[1];
    map.compute(
        signal.sessionKey(),
        (key, session) -> {
          long now = ticker.read();
          session = releasedIfDue(key, session, now);
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
          if (result[0].accepted() && session.isExiting()) {
            scheduleGraceEnd(key, session.deadline() - now);
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
    makeRoomIfFull();
    SignalResult[] result = new SignalResult[1];
    map.compute(
        sessionKey,
        (key, session) -> {
          long now = ticker.read();
          session = releasedIfDue(key, session, now);
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
    map.computeIfPresent(
        sessionKey,
        (key, session) -> {
          long now = ticker.read();
          if (session.isDue(now)) {
            releaseDue(key, session, now);
          } else {
            release(key, session, reason, now, now);
            released[0] = true;
          }
          return null;
        });
    return released[0];
  }

  @Override
  public Optional<SessionView> session(String sessionKey) {
    SessionView[] view = new SessionView[1];
    map.computeIfPresent(
        sessionKey,
        (key, session) -> {
          long now = ticker.read();
          if (session.isDue(now)) {
            releaseDue(key, session, now);
            return null;
          }
          view[0] = session.view(key, now, context, timeouts);
          return session;
        });
    return Optional.ofNullable(view[0]);
  }

  @Override
  public void forEachSession(Consumer<SessionView> consumer) {
    for (String key : map.keySet()) {
      session(key).ifPresent(consumer);
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

  @Override
  public void cleanUp() {
    if (stopped) {
      return;
    }
    // The timer wheel evicts every entry whose (bucket-rounded) deadline has passed ...
    sessions.cleanUp();
    // ... and this sweep releases those due by the exact deadline but not yet by the rounded one.
    BiFunction<String, Session, Session> releaseIfDue = this::releaseIfDue;
    for (String key : map.keySet()) {
      map.computeIfPresent(key, releaseIfDue);
    }
    tombstones.trim(ticker.read());
  }

  @Override
  public void close(boolean releaseAll) {
    closed = true;
    if (releaseAll) {
      for (String key : map.keySet()) {
        map.computeIfPresent(
            key,
            (k, session) -> {
              long now = ticker.read();
              if (session.isDue(now)) {
                releaseDue(k, session, now);
              } else {
                release(k, session, ReleaseReason.SHUTDOWN, now, now);
              }
              return null;
            });
      }
    }
    stopped = true;
    if (timer != null) {
      timer.shutdown();
    }
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
    }
  }

  private Session releaseIfDue(String key, Session session) {
    long now = ticker.read();
    if (session.isDue(now)) {
      releaseDue(key, session, now);
      return null;
    }
    return session;
  }

  /** Caffeine's eviction listener: runs inside the atomic eviction of the entry. */
  private void onEviction(String key, Session session, RemovalCause cause) {
    if (key == null || session == null) {
      return;
    }
    if (cause == RemovalCause.EXPIRED) {
      releaseDue(key, session, ticker.read());
    } else {
      // Cannot happen: the cache has no maximum size and holds strong references.
      logger.error("Session {} was evicted for {}; releasing it as TIMEOUT", key, cause);
      release(key, session, ReleaseReason.TIMEOUT, session.deadline(), ticker.read());
    }
  }

  private void releaseDue(String key, Session session, long now) {
    release(key, session, session.dueReason(), session.deadline(), now);
  }

  /**
   * Releases {@code session} if it is due at {@code now} (inside the atomic update of its entry)
   * and returns null then; otherwise returns it unchanged.
   */
  private Session releasedIfDue(String key, Session session, long now) {
    if (session != null && session.isDue(now)) {
      releaseDue(key, session, now);
      return null;
    }
    return session;
  }

  /** Records a release; called exactly once per session, inside the atomic update of its entry. */
  private void release(String key, Session session, ReleaseReason reason, long dueAt, long now) {
    live.decrementAndGet();
    if (stopped) {
      return; // closed without release-all: sessions are dropped, not released
    }
    tombstones.add(key, reason, now);
    try {
      context.released(session.toRelease(key, reason, dueAt, now, context));
    } catch (RuntimeException e) {
      logger.error("Could not hand the release of session {} to the release pipeline", key, e);
    }
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

  /**
   * Releases the session at the end of its exit grace if it is still due then. Caffeine alone
   * would release it up to a timer-wheel bucket (about 1 s) late.
   */
  private void scheduleGraceEnd(String key, long delayNanos) {
    if (timer != null) {
      timer.after(
          delayNanos,
          "Checking the exit grace of a session",
          () -> map.computeIfPresent(key, this::releaseIfDue));
    }
  }

  /** Each entry expires at its session's deadline, rounded up to a timer-wheel bucket boundary. */
  private static final class DeadlineExpiry implements Expiry<String, Session> {
    @Override
    public long expireAfterCreate(String key, Session session, long currentTime) {
      return roundedDeadline(session) - currentTime;
    }

    @Override
    public long expireAfterUpdate(
        String key, Session session, long currentTime, long currentDuration) {
      return roundedDeadline(session) - currentTime;
    }

    @Override
    public long expireAfterRead(
        String key, Session session, long currentTime, long currentDuration) {
      return currentDuration;
    }

    private static long roundedDeadline(Session session) {
      return (session.deadline() + BUCKET_MASK) & ~BUCKET_MASK;
    }
  }
}
