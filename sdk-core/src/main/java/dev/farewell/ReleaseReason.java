package dev.farewell;

/** Why a session was released. */
public enum ReleaseReason {
  /** The session's last page exited and no signal came within the grace. */
  EXIT,
  /** No page of the session signalled within its deadline (heartbeats stopped). */
  TIMEOUT,
  /** The application released it, for example on logout ({@link Farewell#release(String)}). */
  EXPLICIT,
  /** The engine was closed with release-on-close chosen. */
  SHUTDOWN
}
