package dev.farewell;

/**
 * Counters of the engine's release pipeline since it was built. A snapshot: it does not change.
 *
 * @param released sessions released (each counted once)
 * @param attempted action runs started, retries included
 * @param succeeded releases whose actions all completed
 * @param retried retries made by actions that report them
 * @param failed releases with at least one action that failed for good
 * @param pending releases queued or running now
 * @param abandoned releases given up at shutdown
 */
public record ReleaseStats(
    long released,
    long attempted,
    long succeeded,
    long retried,
    long failed,
    long pending,
    long abandoned) {}
