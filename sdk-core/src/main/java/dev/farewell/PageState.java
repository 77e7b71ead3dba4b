package dev.farewell;

/** The state of one page of a session, as the engine last learnt it. */
public enum PageState {
  /** The page is in the foreground and beating. */
  VISIBLE,
  /** The page is in the background (its timers are throttled); the hidden timeout applies. */
  HIDDEN,
  /** The page sent its exit. */
  EXITED
}
