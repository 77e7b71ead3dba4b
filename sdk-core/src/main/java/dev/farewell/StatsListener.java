package dev.farewell;

/**
 * Told of the engine's events that a counter cannot carry, such as how late each release came, for
 * metrics (see {@link Farewell#addStatsListener}). Counters are in {@link Farewell#stats()}.
 *
 * <p>A listener must be quick and must not block: it is called on the thread that released the
 * session (a store's timer thread, or a caller of {@link Farewell#signal}), before the release
 * actions run. What it throws is caught and logged; the release goes on unchanged.
 */
@FunctionalInterface
public interface StatsListener {

  /**
   * Called once for each release this engine's store hands to its pipeline; {@link
   * Release#lateness()} says how long after its deadline it came.
   */
  void released(Release release);
}
