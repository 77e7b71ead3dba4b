package dev.farewell.spi;

import dev.farewell.Release;
import dev.farewell.Ticker;
import java.time.Instant;

/**
 * What the engine hands a {@link SessionStore} when it starts it. Thread-safe.
 */
public interface StoreContext {

  /** The rules the store must keep. */
  SessionRules rules();

  /** The engine's time source; stores that keep time locally must use it. */
  Ticker ticker();

  /** Converts a reading of {@link #ticker()} to wall-clock time, for the value types. */
  Instant toInstant(long tickerNanos);

  /**
   * Hands a release to the engine's release pipeline. The store calls it exactly once per released
   * session, after the release is final in the store (a signal can no longer revive the session).
   * Never throws; safe to call from any thread. Call it once the store holds none of its own locks:
   * with a same-thread release executor the actions run inside this call, and during the engine's
   * close a full pipeline makes it wait for room (up to the shutdown timeout).
   */
  void released(Release release);
}
