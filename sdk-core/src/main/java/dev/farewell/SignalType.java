package dev.farewell;

/**
 * What a page says about itself in one {@link Signal}.
 *
 * <p>The names match the {@code type} field of wire protocol v1 (lower case there).
 */
public enum SignalType {
  /** The page has loaded and starts beating. */
  OPEN,
  /** The page is still there; sent every heartbeat interval, hidden or not. */
  HEARTBEAT,
  /** The page went to the background (tab switch, minimised window, screen off, back/forward cache). */
  HIDDEN,
  /** The page came back to the foreground. */
  VISIBLE,
  /** The page is going away (closed, reloaded or navigated); see {@link Signal#navigation()}. */
  EXIT,
  /** The page was restored from the back/forward cache. */
  RESUME
}
