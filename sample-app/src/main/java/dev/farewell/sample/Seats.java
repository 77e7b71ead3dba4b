package dev.farewell.sample;

/**
 * The licence cap of the demo: at most {@link #capacity()} logins at once, each holding one seat
 * under its session id. Implementations are thread-safe; taking a seat is atomic.
 */
interface Seats {

  /** Takes a seat for {@code sessionId}; false when every seat is taken. Idempotent per id. */
  boolean take(String sessionId, String user);

  /** Whether {@code sessionId} holds a seat. */
  boolean holds(String sessionId);

  /** Frees the seat of {@code sessionId}; does nothing if it holds none. */
  void free(String sessionId);

  /** How many seats are taken. */
  int inUse();

  /** How many seats there are. */
  int capacity();
}
