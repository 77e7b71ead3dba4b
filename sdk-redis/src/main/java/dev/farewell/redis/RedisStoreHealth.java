package dev.farewell.redis;

import java.util.List;

/**
 * What one node's {@link RedisSessionStore} can tell about its state now, for the application's
 * health checks and dashboards. A snapshot: it does not change.
 *
 * @param redisUp whether Redis serves this node now; false while signals are answered from the
 *     node's memory and kept for later
 * @param releasesInFlight releases this node holds in Redis whose actions have not completed (or
 *     whose completion Redis has not been told yet)
 * @param releasesTakenOver releases this node took over from a node whose lease ran out, since it
 *     started (each one's actions may have run twice, with the same release id)
 * @param unwrittenSignals signals this node answered and has not written to Redis yet
 * @param keptTracks tracks kept while Redis could not serve, not written yet
 * @param keptReleases releases asked for while Redis could not serve, not decided yet
 * @param dataLossesDetected times this node found that Redis had lost a shard's data
 * @param warnings problems of Redis's configuration found at start (an eviction policy that may
 *     drop sessions); empty if none were found or the configuration could not be read
 */
public record RedisStoreHealth(
    boolean redisUp,
    int releasesInFlight,
    long releasesTakenOver,
    int unwrittenSignals,
    int keptTracks,
    int keptReleases,
    long dataLossesDetected,
    List<String> warnings) {

  /** Copies the warnings. */
  public RedisStoreHealth {
    warnings = List.copyOf(warnings);
  }
}
