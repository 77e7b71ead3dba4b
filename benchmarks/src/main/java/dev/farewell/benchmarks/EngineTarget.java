package dev.farewell.benchmarks;

import dev.farewell.Farewell;
import dev.farewell.Signal;

/** The Farewell engine as a {@link SignalTarget}. */
final class EngineTarget implements SignalTarget {

  private final Farewell farewell;

  EngineTarget(Farewell farewell) {
    this.farewell = farewell;
  }

  Farewell farewell() {
    return farewell;
  }

  @Override
  public Object apply(Signal signal) {
    return farewell.signal(signal);
  }

  @Override
  public long liveSessions() {
    return farewell.size();
  }

  @Override
  public void close() {
    farewell.close();
  }
}
