package dev.farewell.benchmarks;

import java.util.List;

/** One figure of the benchmark: runs, then returns its rows of the results table. */
interface Figure {

  /**
   * Runs the figure.
   *
   * @throws Skipped if something it needs outside the JVM (a browser, Redis) is not there
   * @throws Exception if it could not run
   */
  List<Row> run(Settings settings) throws Exception;

  /** Thrown when a figure cannot be taken on this machine; the message says what is missing. */
  final class Skipped extends Exception {
    private static final long serialVersionUID = 1L;

    Skipped(String message) {
      super(message);
    }
  }
}
