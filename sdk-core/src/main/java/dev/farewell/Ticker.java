package dev.farewell;

/**
 * A source of monotonic time in nanoseconds, as {@link System#nanoTime()} gives it. Tests pass a
 * fake ticker to {@link Farewell.Builder#ticker(Ticker)} and advance it instead of sleeping.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Ticker {

  /** Returns the current time in nanoseconds; only differences between two readings mean anything. */
  long read();

  /** Returns the ticker that reads {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
