package dev.farewell;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What became of a {@link Signal} (or of {@link Farewell#track}): the state of its session after
 * the engine applied it.
 *
 * <p>Made by the factories {@link #live}, {@link #exiting}, {@link #released}, {@link #full} and
 * {@link #closed} (a session store returns them from its SPI methods). Instances are immutable and
 * thread-safe; equal results are equal.
 */
public final class SignalResult {

  /** The session's state after a signal. */
  public enum Status {
    /** The session is alive; the page should keep beating. */
    LIVE,
    /** The exit was taken; the session is released after its grace unless another signal comes. */
    EXITING,
    /** The session is over (see {@link SignalResult#reason()}); it will never come back. */
    RELEASED,
    /** The engine holds its maximum of sessions, or the session its maximum of pages. */
    FULL,
    /** The engine is closed and takes no more signals. */
    CLOSED
  }

  private static final SignalResult LIVE = new SignalResult(Status.LIVE, true, Optional.empty());
  private static final SignalResult LIVE_IGNORED =
      new SignalResult(Status.LIVE, false, Optional.empty());
  private static final SignalResult EXITING =
      new SignalResult(Status.EXITING, true, Optional.empty());
  private static final SignalResult EXITING_IGNORED =
      new SignalResult(Status.EXITING, false, Optional.empty());
  private static final SignalResult FULL = new SignalResult(Status.FULL, false, Optional.empty());
  private static final SignalResult CLOSED =
      new SignalResult(Status.CLOSED, false, Optional.empty());

  private final Status status;
  private final boolean accepted;
  private final Optional<ReleaseReason> reason;

  private SignalResult(Status status, boolean accepted, Optional<ReleaseReason> reason) {
    this.status = status;
    this.accepted = accepted;
    this.reason = reason;
  }

  /** The session's state as the page should learn it. */
  public Status status() {
    return status;
  }

  /**
   * False when the signal changed nothing: its sequence number was not newer than the last one
   * seen for its page, or the session was already released, or the engine refused it.
   */
  public boolean accepted() {
    return accepted;
  }

  /** Why the session was released; present only when {@link #status()} is {@code RELEASED}. */
  public Optional<ReleaseReason> reason() {
    return reason;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignalResult other
        && status == other.status
        && accepted == other.accepted
        && reason.equals(other.reason);
  }

  @Override
  public int hashCode() {
    return (status.hashCode() * 31 + Boolean.hashCode(accepted)) * 31 + reason.hashCode();
  }

  @Override
  public String toString() {
    return "SignalResult[status=" + status + ", accepted=" + accepted + ", reason=" + reason + "]";
  }

  /** The session is alive; {@code accepted} tells whether this signal changed it. */
  public static SignalResult live(boolean accepted) {
    return accepted ? LIVE : LIVE_IGNORED;
  }

  /** The session's last page exited; {@code accepted} tells whether this signal changed it. */
  public static SignalResult exiting(boolean accepted) {
    return accepted ? EXITING : EXITING_IGNORED;
  }

  /** The session was released for {@code reason}; the signal changed nothing. */
  public static SignalResult released(ReleaseReason reason) {
    return new SignalResult(Status.RELEASED, false, Optional.of(requireNonNull(reason, "reason")));
  }

  /** The engine refused the signal because a limit was reached. */
  public static SignalResult full() {
    return FULL;
  }

  /** The engine is closed. */
  public static SignalResult closed() {
    return CLOSED;
  }
}
