/**
 * Farewell's benchmarks: each figure measures Farewell and a plain baseline side by side in one run
 * and reports their ratio against a target. Run them all with {@code benchmarks/run} (or {@code
 * --quick} for a smoke run); {@code docs/performance.md} explains every figure and holds the results.
 */
package dev.farewell.benchmarks;
