package dev.farewell.benchmarks;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * One line of the results table: a figure, Farewell's value, the baseline's value from the same
 * run, their ratio, the target and whether it was met.
 */
record Row(
    String figure, String farewell, String baseline, String ratio, String target, Verdict verdict) {

  /** Whether a row met its target. */
  enum Verdict {
    PASS,
    FAIL,
    /** The figure could not be taken here (no browser, no Redis) and was not required. */
    SKIP,
    /** Shown for information; no target. */
    INFO;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  Row {
    requireNonNull(figure, "figure");
    requireNonNull(farewell, "farewell");
    requireNonNull(baseline, "baseline");
    requireNonNull(ratio, "ratio");
    requireNonNull(target, "target");
    requireNonNull(verdict, "verdict");
  }

  static Verdict verdict(boolean met) {
    return met ? Verdict.PASS : Verdict.FAIL;
  }

  static Row skipped(String figure, String why) {
    return new Row(figure, "-", "-", "-", why, Verdict.SKIP);
  }

  /** Tab-separated, as benchmarks/run collects it. */
  String toTsv() {
    return String.join(
        "\t",
        clean(figure),
        clean(farewell),
        clean(baseline),
        clean(ratio),
        clean(target),
        verdict.label());
  }

  private static String clean(String cell) {
    return cell.replace('\t', ' ').replace('\n', ' ');
  }

  static String ratio(double farewell, double baseline) {
    return (baseline == 0) ? "-" : String.format(Locale.ROOT, "%.2fx", farewell / baseline);
  }

  static String perSecond(double value) {
    if (value >= 1_000_000) {
      return String.format(Locale.ROOT, "%.2f M/s", value / 1_000_000);
    }
    if (value >= 1_000) {
      return String.format(Locale.ROOT, "%.1f k/s", value / 1_000);
    }
    return String.format(Locale.ROOT, "%.0f /s", value);
  }

  static String millis(double millis) {
    if (Math.abs(millis) >= 10_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000);
    }
    return String.format(Locale.ROOT, "%.0f ms", millis);
  }
}
