package dev.farewell;

import static java.util.Objects.requireNonNull;

import dev.farewell.internal.Arguments;
import dev.farewell.internal.CaffeineSessionStore;
import dev.farewell.internal.PageIds;
import dev.farewell.internal.ReleaseDispatcher;
import dev.farewell.spi.SessionRules;
import dev.farewell.spi.SessionStore;
import dev.farewell.spi.StoreContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Farewell engine: it takes the {@link Signal}s of pages and releases each session exactly
 * once, soon after its last page exits or when its heartbeats stop.
 *
 * <pre>{@code
 * Farewell farewell = Farewell.newBuilder()
 *     .exitGrace(Duration.ofSeconds(3))
 *     .onRelease(release -> seats.free(release.sessionKey()))
 *     .build();
 * farewell.track(sessionKey, Map.of("user", userId));   // when the page is served
 * farewell.signal(signal);                             // for every beacon
 * }</pre>
 *
 * <p>An engine is thread-safe; one instance serves a whole application. Release actions run on the
 * engine's release executor, never on the caller's thread. Close it when the application stops.
 */
public final class Farewell implements AutoCloseable {

  private static final int MAXIMUM_PAGE_ID_LENGTH = 64;

  private final SessionRules rules;
  private final SessionStore store;
  private final ReleaseDispatcher dispatcher;
  private final Ticker ticker;
  private final boolean releaseOnClose;
  private final Duration shutdownTimeout;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final StatsCounter stats = new StatsCounter();

  private Farewell(Builder builder) {
    this.rules =
        new SessionRules(
            builder.heartbeatInterval,
            builder.heartbeatTimeout,
            builder.hiddenTimeout,
            builder.exitGrace,
            builder.navigationGrace,
            builder.openTimeout,
            builder.tombstoneTtl,
            builder.maximumTombstones,
            builder.maximumSessions,
            builder.maximumPagesPerSession);
    this.ticker = builder.ticker;
    this.releaseOnClose = builder.releaseOnClose;
    this.shutdownTimeout = builder.shutdownTimeout;
    this.dispatcher =
        new ReleaseDispatcher(
            builder.releaseExecutor,
            List.copyOf(builder.actions),
            builder.failureListener,
            builder.maximumPendingReleases,
            builder.releaseActionTimeout);
    this.store = (builder.store == null) ? new CaffeineSessionStore() : builder.store;
    store.start(new Context(rules, ticker, dispatcher, stats));
  }

  /** Returns a builder with the defaults described on each of its setters. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Applies a page's signal.
   *
   * <p>A signal for a session the engine does not know starts tracking it, with no attributes (a
   * page that outlived an engine restart keeps its session), except {@code EXIT}, which starts
   * nothing. A signal for a session released within the tombstone time never starts it again, also
   * when more than {@code maximumTombstones} sessions were released within that time: the in-memory
   * store then answers every key it does not know {@code RELEASED} ({@code TIMEOUT}) until the
   * tombstones it forgot early would have expired. A caller must not pass on a signal for a key that
   * is not live when the session may have been released longer ago than the tombstone time: {@link
   * dev.farewell.beacon.BeaconHandler} lets only a page token issued within it start a session.
   *
   * <p>Answers: {@code LIVE} or {@code EXITING} (accepted, or not when the signal's sequence number
   * was not newer than the last one seen for its page); {@code RELEASED} with the reason for a
   * session released within the tombstone time; {@code EXITING}, not accepted, for the exit of a
   * session the engine does not know; {@code FULL} when a limit refuses a new session or page;
   * {@code CLOSED} once the engine is closed.
   *
   * @return the session's state after the signal
   * @throws NullPointerException if {@code signal} is null
   * @throws IllegalArgumentException if the page id is longer than 64 characters or has characters
   *     other than {@code [A-Za-z0-9_-]}
   */
  public SignalResult signal(Signal signal) {
    requireNonNull(signal, "signal");
    if (!PageIds.isCompact(signal.pageId()) && !isPageId(signal.pageId())) {
      throw new IllegalArgumentException(
          "pageId must be 1 to 64 characters of [A-Za-z0-9_-], was " + signal.pageId().length()
              + " characters");
    }
    if (closed.get()) {
      stats.signal(signal.type(), FarewellStats.Outcome.CLOSED);
      return SignalResult.closed();
    }
    SignalResult result;
    try {
      result = store.apply(signal);
    } catch (RuntimeException e) {
      stats.signal(signal.type(), FarewellStats.Outcome.FAILED);
      throw e;
    }
    stats.signal(signal.type(), FarewellStats.Outcome.of(result));
    return result;
  }

  /** Whether {@code id} is 1 to 64 characters of {@code [A-Za-z0-9_-]} (a loop: this is hot). */
  private static boolean isPageId(String id) {
    int length = id.length();
    if (length == 0 || length > MAXIMUM_PAGE_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = id.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  /**
   * Starts tracking a session, or refreshes it, when the application serves a page of it (the
   * moment it issues the page's token). Refreshing cancels a pending exit grace: the user is on a
   * new page. A session whose first page never signals is released with {@code TIMEOUT} after the
   * open timeout.
   *
   * @param sessionKey the application's key; not a secret (pages carry it)
   * @param attributes handed to the release actions (an SSO ticket, a user id); replaces the
   *     attributes of an earlier call when not empty
   * @return {@code LIVE}, {@code FULL} when the engine holds its maximum of sessions, or {@code
   *     CLOSED}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code sessionKey} is empty
   */
  public SignalResult track(String sessionKey, Map<String, String> attributes) {
    requireNonNull(sessionKey, "sessionKey");
    requireNonNull(attributes, "attributes");
    if (sessionKey.isEmpty()) {
      throw new IllegalArgumentException("sessionKey must not be empty");
    }
    if (closed.get()) {
      return SignalResult.closed();
    }
    return store.track(sessionKey, Map.copyOf(attributes));
  }

  /** Same as {@link #track(String, Map)} with no attributes. */
  public SignalResult track(String sessionKey) {
    return track(sessionKey, Map.of());
  }

  /**
   * Releases a session now with {@link ReleaseReason#EXPLICIT} (a logout). A session found past its
   * deadline is released for the reason it became due ({@code TIMEOUT} or {@code EXIT}) instead.
   * Idempotent.
   *
   * @return true if this call released it; false if it was not live (unknown or already released)
   * @throws NullPointerException if {@code sessionKey} is null
   */
  public boolean release(String sessionKey) {
    requireNonNull(sessionKey, "sessionKey");
    return store.release(sessionKey, ReleaseReason.EXPLICIT);
  }

  /** Returns a picture of a live session, or empty if none is live under the key. */
  public Optional<SessionView> session(String sessionKey) {
    requireNonNull(sessionKey, "sessionKey");
    return store.session(sessionKey);
  }

  /** Returns a picture of every live session, for dashboards. Costs a pass over all sessions. */
  public List<SessionView> snapshot() {
    List<SessionView> sessions = new ArrayList<>();
    store.forEachSession(sessions::add);
    return sessions;
  }

  /** Returns the number of live sessions. */
  public long size() {
    return store.size();
  }

  /**
   * Returns the number of open pages of the live sessions (visible or hidden, not exited). Costs a
   * pass over all sessions (with a shared store, round trips to it).
   */
  public long pages() {
    return store.pages();
  }

  /**
   * Returns the engine's counters now: signals by type and outcome, releases by reason, the release
   * pipeline, the store's state and the release backlog. Cheap; never calls a shared store's
   * server.
   */
  public FarewellStats stats() {
    return stats.snapshot(dispatcher.stats(), store.isServing(), store.releaseBacklog());
  }

  /**
   * Adds a listener told of every release from now on, before its actions run (for metrics that
   * time releases). What it throws is caught and logged; it never changes a release.
   *
   * @throws NullPointerException if {@code listener} is null
   */
  public void addStatsListener(StatsListener listener) {
    stats.add(requireNonNull(listener, "listener"));
  }

  /** Returns the rules this engine keeps (timeouts, graces and limits). */
  public SessionRules rules() {
    return rules;
  }

  /**
   * Releases every session whose deadline has passed now, instead of at the next tick of the
   * engine's timer (about a second). Tests that drive a fake {@link Ticker} call it after advancing
   * time; applications need not (with the in-memory store it costs a pass over all sessions).
   */
  public void cleanUp() {
    store.cleanUp();
  }

  /**
   * Stops taking signals, then releases every live session with {@link ReleaseReason#SHUTDOWN} if
   * the builder chose {@link Builder#releaseOnClose(boolean)}, then waits for pending release
   * actions; all of it within about the shutdown timeout. Releases on close that find the pending
   * queue full ({@link Builder#maximumPendingReleases}) wait for room within that time; those that
   * find none, and actions still pending at its end, are abandoned, logged and reported to the
   * failure listener. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long start = System.nanoTime();
    try {
      dispatcher.waitForRoomDuring(shutdownTimeout);
      store.close(releaseOnClose);
    } finally {
      Duration spent = Duration.ofNanos(System.nanoTime() - start);
      Duration left = shutdownTimeout.minus(spent);
      dispatcher.close(left.isNegative() ? Duration.ZERO : left);
    }
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed.get();
  }

  private static final class Context implements StoreContext {
    private final SessionRules rules;
    private final Ticker ticker;
    private final ReleaseDispatcher dispatcher;
    private final StatsCounter stats;
    private final long anchorNanos;
    private final Instant anchor;

    Context(SessionRules rules, Ticker ticker, ReleaseDispatcher dispatcher, StatsCounter stats) {
      this.rules = rules;
      this.ticker = ticker;
      this.dispatcher = dispatcher;
      this.stats = stats;
      this.anchorNanos = ticker.read();
      this.anchor = Instant.now();
    }

    @Override
    public SessionRules rules() {
      return rules;
    }

    @Override
    public Ticker ticker() {
      return ticker;
    }

    @Override
    public Instant toInstant(long tickerNanos) {
      return anchor.plusNanos(tickerNanos - anchorNanos);
    }

    @Override
    public void released(Release release) {
      stats.released(release);
      dispatcher.submit(release);
    }

    @Override
    public java.util.concurrent.CompletionStage<Boolean> releasedUntilActed(Release release) {
      stats.released(release);
      return dispatcher.submitUntilActed(release);
    }

    @Override
    public Duration closeTimeLeft() {
      return dispatcher.roomTimeLeft();
    }
  }

  /**
   * Builds a {@link Farewell} engine. Every setter checks its argument at once and may be called
   * once. Not thread-safe; the engine it builds is.
   */
  public static final class Builder {
    private Duration heartbeatInterval = Duration.ofSeconds(5);
    private Duration heartbeatTimeout = Duration.ofSeconds(15);
    private Duration hiddenTimeout = Duration.ofSeconds(150);
    private Duration exitGrace = Duration.ofSeconds(3);
    private Duration navigationGrace = Duration.ofSeconds(10);
    private Duration openTimeout = Duration.ofSeconds(30);
    private Duration tombstoneTtl = Duration.ofMinutes(10);
    private long maximumTombstones = 100_000;
    private long maximumSessions = 1_000_000;
    private int maximumPagesPerSession = 16;
    private Ticker ticker = Ticker.system();
    private Executor releaseExecutor;
    private int maximumPendingReleases = 10_000;
    private Duration releaseActionTimeout = Duration.ofSeconds(30);
    private final List<ReleaseAction> actions = new ArrayList<>();
    private ReleaseFailureListener failureListener;
    private boolean releaseOnClose;
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private SessionStore store;
    private final Arguments.SetOnce set = new Arguments.SetOnce();

    private Builder() {}


    /** How often a visible page beats (told to pages in every answer). Default 5 s. */
    public Builder heartbeatInterval(Duration interval) {
      set.mark("heartbeatInterval");
      heartbeatInterval = Arguments.positive("heartbeatInterval", interval);
      return this;
    }

    /**
     * How long a visible page lives after its newest signal; must exceed the heartbeat interval.
     * Default 15 s (three beats).
     */
    public Builder heartbeatTimeout(Duration timeout) {
      set.mark("heartbeatTimeout");
      heartbeatTimeout = Arguments.positive("heartbeatTimeout", timeout);
      return this;
    }

    /**
     * How long a hidden page lives after its newest signal; at least the heartbeat timeout. Hidden
     * tabs' timers are throttled (Chrome: once a minute after five minutes hidden). Default 150 s.
     */
    public Builder hiddenTimeout(Duration timeout) {
      set.mark("hiddenTimeout");
      hiddenTimeout = Arguments.positive("hiddenTimeout", timeout);
      return this;
    }

    /**
     * After the last page of a session exits, how long a signal from any of its pages (a reload)
     * still cancels the release. Default 3 s.
     */
    public Builder exitGrace(Duration grace) {
      set.mark("exitGrace");
      exitGrace = Arguments.positive("exitGrace", grace);
      return this;
    }

    /** The grace when the exit said it was an in-app navigation. Default 10 s. */
    public Builder navigationGrace(Duration grace) {
      set.mark("navigationGrace");
      navigationGrace = Arguments.positive("navigationGrace", grace);
      return this;
    }

    /**
     * How long a tracked session waits for its first page to signal before it is released with
     * {@code TIMEOUT}; at least the heartbeat timeout. Default 30 s.
     */
    public Builder openTimeout(Duration timeout) {
      set.mark("openTimeout");
      openTimeout = Arguments.positive("openTimeout", timeout);
      return this;
    }

    /** How long a released session's key still answers "released" to its pages. Default 10 min. */
    public Builder tombstoneTtl(Duration ttl) {
      set.mark("tombstoneTtl");
      tombstoneTtl = Arguments.positive("tombstoneTtl", ttl);
      return this;
    }

    /** How many released keys are remembered at most (oldest forgotten first). Default 100,000. */
    public Builder maximumTombstones(long maximum) {
      set.mark("maximumTombstones");
      if (maximum < 1) {
        throw new IllegalArgumentException("maximumTombstones must be >= 1, was " + maximum);
      }
      maximumTombstones = maximum;
      return this;
    }

    /**
     * How many sessions may be live at once. Beyond it new sessions are refused with {@code FULL};
     * a live session is never evicted. Default 1,000,000.
     */
    public Builder maximumSessions(long maximum) {
      set.mark("maximumSessions");
      if (maximum < 1) {
        throw new IllegalArgumentException("maximumSessions must be >= 1, was " + maximum);
      }
      maximumSessions = maximum;
      return this;
    }

    /** How many pages (tabs) one session may hold; more are refused with {@code FULL}. Default 16. */
    public Builder maximumPagesPerSession(int maximum) {
      set.mark("maximumPagesPerSession");
      if (maximum < 1) {
        throw new IllegalArgumentException("maximumPagesPerSession must be >= 1, was " + maximum);
      }
      maximumPagesPerSession = maximum;
      return this;
    }

    /** The time source; tests pass a fake one. Default {@link Ticker#system()}. */
    public Builder ticker(Ticker ticker) {
      set.mark("ticker");
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * The executor release actions run on. Default: a small pool of the engine's own daemon
     * threads, shut down by {@link Farewell#close()}. An executor given here is not shut down.
     *
     * <p>Tests may pass {@code Runnable::run} so that releases are told before {@link
     * Farewell#cleanUp()} returns; actions then run on the thread that released the session (the
     * caller, or the store's timer thread), after the store has let go of its locks, so they may
     * call the engine. An action that blocks then holds up that thread.
     */
    public Builder releaseExecutor(Executor executor) {
      set.mark("releaseExecutor");
      this.releaseExecutor = requireNonNull(executor, "releaseExecutor");
      return this;
    }

    /**
     * How many releases may wait for their actions at once. A release beyond it is not run; it is
     * logged at ERROR and reported to the failure listener (on a thread of its own; reports beyond
     * 1,024 waiting are dropped and counted in the log). On {@link Farewell#close()} releases wait
     * for room instead, within the shutdown timeout. Default 10,000.
     */
    public Builder maximumPendingReleases(int maximum) {
      set.mark("maximumPendingReleases");
      if (maximum < 1) {
        throw new IllegalArgumentException("maximumPendingReleases must be >= 1, was " + maximum);
      }
      maximumPendingReleases = maximum;
      return this;
    }

    /**
     * How long one attempt of a release action may take. An attempt whose stage has not completed
     * by then fails with a {@link java.util.concurrent.TimeoutException} (not retried): it is
     * logged, reported to the failure listener, its stage is cancelled, and the next action runs.
     * An action that blocks its thread keeps that thread until it returns; the release goes on
     * without it. Default 30 s.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder releaseActionTimeout(Duration timeout) {
      set.mark("releaseActionTimeout");
      releaseActionTimeout = Arguments.positive("releaseActionTimeout", timeout);
      return this;
    }

    /** Adds a callback run for every release, after the actions added before it. */
    public Builder onRelease(ReleaseListener listener) {
      actions.add(ReleaseAction.of(requireNonNull(listener, "listener")));
      return this;
    }

    /** Adds an action run for every release, after the actions added before it. */
    public Builder releaseAction(ReleaseAction action) {
      actions.add(requireNonNull(action, "action"));
      return this;
    }

    /** Told when a release action fails for good. Default: none (failures are logged only). */
    public Builder onReleaseFailure(ReleaseFailureListener listener) {
      set.mark("onReleaseFailure");
      this.failureListener = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Whether {@link Farewell#close()} releases every live session with {@code SHUTDOWN}. Default
     * false: sessions are kept (a shared store hands them to the other nodes; an in-memory engine
     * forgets them, and pages that outlive the restart start them again with their next beat).
     */
    public Builder releaseOnClose(boolean release) {
      set.mark("releaseOnClose");
      this.releaseOnClose = release;
      return this;
    }

    /** How long {@link Farewell#close()} waits for pending release actions. Default 10 s. */
    public Builder shutdownTimeout(Duration timeout) {
      set.mark("shutdownTimeout");
      requireNonNull(timeout, "shutdownTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must be >= 0, was " + timeout);
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    /** Where sessions are kept. Default: in memory, on Caffeine (one node). */
    public Builder store(SessionStore store) {
      set.mark("store");
      this.store = requireNonNull(store, "store");
      return this;
    }

    /**
     * Builds the engine.
     *
     * @throws IllegalStateException if the timeouts contradict each other (the message says which)
     */
    public Farewell build() {
      if (heartbeatTimeout.compareTo(heartbeatInterval) <= 0) {
        throw new IllegalStateException(
            "heartbeatTimeout must be > heartbeatInterval, was "
                + heartbeatTimeout + " <= " + heartbeatInterval);
      }
      if (hiddenTimeout.compareTo(heartbeatTimeout) < 0) {
        throw new IllegalStateException(
            "hiddenTimeout must be >= heartbeatTimeout, was "
                + hiddenTimeout + " < " + heartbeatTimeout);
      }
      if (openTimeout.compareTo(heartbeatTimeout) < 0) {
        throw new IllegalStateException(
            "openTimeout must be >= heartbeatTimeout, was "
                + openTimeout + " < " + heartbeatTimeout);
      }
      return new Farewell(this);
    }
  }
}
