package dev.farewell;

/**
 * Counters of the engine's release pipeline since it was built. A snapshot: it does not change.
 *
 * <p>Every release handed to the pipeline ends in exactly one of {@code succeeded}, {@code failed}
 * or {@code abandoned}, and is {@code pending} until then: once the pipeline is idle, {@code
 * released == succeeded + failed + abandoned}.
 *
 * @param released sessions handed to the pipeline (each counted once)
 * @param attempted action runs started, retries included
 * @param succeeded releases whose actions all completed
 * @param retried action runs that were retries (counted in {@code attempted} too)
 * @param failed releases with at least one action that failed for good, rejected ones included
 * @param pending releases queued, running or waiting for a retry now
 * @param abandoned releases given up at shutdown
 * @param rejected releases refused because the pending queue was full or the pipeline closed
 *     (counted in {@code failed} too)
 */
public record ReleaseStats(
    long released,
    long attempted,
    long succeeded,
    long retried,
    long failed,
    long pending,
    long abandoned,
    long rejected) {}
