package dev.farewell.spi;

import dev.farewell.Release;
import dev.farewell.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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

  /**
   * While the engine closes, how much of its shutdown timeout is left (zero once it is spent): a
   * store waits no longer than this for its own threads in {@link SessionStore#close}. The default,
   * for contexts that cannot tell, is five seconds.
   */
  default Duration closeTimeLeft() {
    return Duration.ofSeconds(5);
  }

  /**
   * Hands a release to the engine's release pipeline, as {@link #released} does, and tells when its
   * actions are over, so that a store that keeps releases until they are acted on (a store shared
   * by several nodes) knows when to forget one. The stage completes with {@code true} once the
   * actions ran to their end (each succeeded, or failed for good and was reported to the failure
   * listener), and with {@code false} if they did not run to their end: the pipeline refused the
   * release (full or closed) or abandoned it at shutdown; the store may then hand it on again.
   *
   * <p>A store shared by several nodes may hand one release to the engines of several nodes (the
   * first node died or lost a reply before its actions completed); it then hands the same {@link
   * Release#releaseId()}, reason, times and attributes each time.
   *
   * <p>The stage completes on a release thread or on the thread that closes the engine; what the
   * store chains onto it must be quick and must not block. Never throws. The default, for contexts
   * that cannot tell, calls {@link #released} and completes with {@code true} at once.
   */
  default CompletionStage<Boolean> releasedUntilActed(Release release) {
    released(release);
    return CompletableFuture.completedFuture(true);
  }
}
