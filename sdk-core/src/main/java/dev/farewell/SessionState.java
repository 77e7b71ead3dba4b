package dev.farewell;

/** The state of a session that is not yet released. */
public enum SessionState {
  /** Tracked by the application; no page has signalled yet. */
  PENDING,
  /** At least one page is alive. */
  LIVE,
  /** Its last page exited; it is released when the grace ends unless a signal comes. */
  EXITING
}
