package dev.farewell.benchmarks;

import java.nio.file.Path;

/**
 * How a figure runs: in {@code quick} smoke mode (each part once, small and short) or in full,
 * where it writes its logs, and where the release-delay plot goes (null: no plot).
 */
record Settings(boolean quick, Path workDir, Path plot) {}
