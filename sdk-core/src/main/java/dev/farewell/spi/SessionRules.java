package dev.farewell.spi;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The timing rules and limits a {@link SessionStore} must keep, as configured on the engine's
 * builder (which validated them). Immutable.
 *
 * @param heartbeatInterval how often a visible page beats; told to pages
 * @param heartbeatTimeout a visible page is gone this long after its newest signal
 * @param hiddenTimeout a hidden page is gone this long after its newest signal
 * @param exitGrace after the last page exits, how long a signal may still cancel the release
 * @param navigationGrace the same, when the exit said it was an in-app navigation
 * @param openTimeout a tracked session whose first page has not signalled yet is released (as
 *     {@code TIMEOUT}) this long after it was tracked
 * @param tombstoneTtl how long a released session's key still answers "released"
 * @param maximumTombstones how many released keys are remembered at most
 * @param maximumSessions how many sessions may be live at once; more are refused, never evicted
 * @param maximumPagesPerSession how many pages one session may hold; more are refused
 */
public record SessionRules(
    Duration heartbeatInterval,
    Duration heartbeatTimeout,
    Duration hiddenTimeout,
    Duration exitGrace,
    Duration navigationGrace,
    Duration openTimeout,
    Duration tombstoneTtl,
    long maximumTombstones,
    long maximumSessions,
    int maximumPagesPerSession) {

  /** Checks that no duration is null. The engine's builder checks the values. */
  public SessionRules {
    requireNonNull(heartbeatInterval, "heartbeatInterval");
    requireNonNull(heartbeatTimeout, "heartbeatTimeout");
    requireNonNull(hiddenTimeout, "hiddenTimeout");
    requireNonNull(exitGrace, "exitGrace");
    requireNonNull(navigationGrace, "navigationGrace");
    requireNonNull(openTimeout, "openTimeout");
    requireNonNull(tombstoneTtl, "tombstoneTtl");
  }
}
