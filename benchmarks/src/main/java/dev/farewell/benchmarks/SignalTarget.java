package dev.farewell.benchmarks;

import dev.farewell.Signal;

/** Something that takes page signals: the Farewell engine or a baseline. */
interface SignalTarget extends AutoCloseable {

  /** Applies one signal; returns what the target answers (kept so the JIT cannot drop the work). */
  Object apply(Signal signal);

  /** Returns how many sessions are live. */
  long liveSessions();

  @Override
  void close();
}
