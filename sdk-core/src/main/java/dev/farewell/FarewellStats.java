package dev.farewell;

import static java.util.Objects.requireNonNull;

/**
 * Counters of an engine since it was built, for metrics and dashboards: its signals by type and
 * outcome, its releases by reason, its release pipeline and the state of its store. A snapshot: it
 * does not change. Taking one is cheap (a sum over a few striped counters, no call to the store);
 * counting costs the engine's signal path one uncontended add and no allocation.
 *
 * <p>Live sessions and pages are not in the snapshot, because a shared store counts them with a
 * round trip: see {@link Farewell#size()} and {@link Farewell#pages()}. Events that need timing
 * (how late a release came) go to a {@link StatsListener}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class FarewellStats {

  /** What became of a signal, as {@link Farewell#signal} answered it. */
  public enum Outcome {
    /** The signal changed its session ({@link SignalResult#accepted()}). */
    ACCEPTED,
    /**
     * The signal changed nothing: its sequence number was not newer than the last one of its page,
     * or it was the exit of a session the engine does not know.
     */
    IGNORED,
    /** The session was already released; the page was told so. */
    RELEASED,
    /** A limit refused a new session or page ({@link SignalResult.Status#FULL}). */
    REFUSED,
    /** The engine was closed. */
    CLOSED,
    /** The store failed (a shared store unreachable): {@link Farewell#signal} threw. */
    FAILED;

    /** The outcome of an answer of {@link Farewell#signal}. */
    public static Outcome of(SignalResult result) {
      if (result.accepted()) {
        return ACCEPTED;
      }
      switch (result.status()) {
        case RELEASED:
          return RELEASED;
        case FULL:
          return REFUSED;
        case CLOSED:
          return CLOSED;
        case LIVE:
        case EXITING:
        default:
          return IGNORED;
      }
    }
  }

  private static final int OUTCOMES = Outcome.values().length;

  private final long[] signals;
  private final long[] releases;
  private final ReleaseStats actions;
  private final boolean storeUp;
  private final long releaseBacklog;

  /**
   * Copies the counters; the engine makes these.
   *
   * @param signals per {@link SignalType} ordinal times the number of outcomes, plus the {@link
   *     Outcome} ordinal
   * @param releases per {@link ReleaseReason} ordinal
   */
  FarewellStats(
      long[] signals, long[] releases, ReleaseStats actions, boolean storeUp, long releaseBacklog) {
    if (signals.length != SignalType.values().length * OUTCOMES
        || releases.length != ReleaseReason.values().length) {
      throw new IllegalArgumentException("counters do not match the enums");
    }
    this.signals = signals.clone();
    this.releases = releases.clone();
    this.actions = requireNonNull(actions, "actions");
    this.storeUp = storeUp;
    this.releaseBacklog = releaseBacklog;
  }

  /**
   * Returns how many signals of {@code type} had {@code outcome}.
   *
   * @throws NullPointerException if an argument is null
   */
  public long signals(SignalType type, Outcome outcome) {
    return signals[type.ordinal() * OUTCOMES + outcome.ordinal()];
  }

  /** Returns how many signals the engine was given, of every type and outcome. */
  public long signals() {
    long sum = 0;
    for (long count : signals) {
      sum += count;
    }
    return sum;
  }

  /**
   * Returns how many sessions this engine's store released for {@code reason} and handed to this
   * engine's pipeline. A store shared by several nodes may hand one release to a second node, when
   * the first died before its actions completed: each node counts it.
   *
   * @throws NullPointerException if {@code reason} is null
   */
  public long releases(ReleaseReason reason) {
    return releases[reason.ordinal()];
  }

  /** Returns how many sessions were released, for every reason. */
  public long releases() {
    long sum = 0;
    for (long count : releases) {
      sum += count;
    }
    return sum;
  }

  /** Returns the counters of the release pipeline: actions run, retried, failed, pending. */
  public ReleaseStats actions() {
    return actions;
  }

  /**
   * Whether the store serves this node now. The in-memory store always does; a shared store does
   * not while it cannot reach its server (signals are then answered from memory and kept).
   */
  public boolean storeUp() {
    return storeUp;
  }

  /**
   * Returns how many releases are decided and not acted on yet: those pending in the pipeline
   * (queued, running or waiting for a retry) plus those a shared store keeps while it cannot reach
   * its server.
   */
  public long releaseBacklog() {
    return releaseBacklog;
  }

  @Override
  public String toString() {
    return "FarewellStats{signals=" + signals() + ", releases=" + releases() + ", actions="
        + actions + ", storeUp=" + storeUp + ", releaseBacklog=" + releaseBacklog + "}";
  }
}
