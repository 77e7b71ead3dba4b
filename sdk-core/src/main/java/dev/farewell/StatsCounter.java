package dev.farewell;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's counters of signals and releases, and its {@link StatsListener}s. Striped counters
 * made once: counting takes no lock and allocates nothing. Never throws into the engine.
 * Thread-safe.
 */
final class StatsCounter {

  private static final Logger logger = LoggerFactory.getLogger(StatsCounter.class);
  private static final int OUTCOMES = FarewellStats.Outcome.values().length;

  private final LongAdder[] signals = adders(SignalType.values().length * OUTCOMES);
  private final LongAdder[] releases = adders(ReleaseReason.values().length);
  private final List<StatsListener> listeners = new CopyOnWriteArrayList<>();

  private static LongAdder[] adders(int count) {
    LongAdder[] adders = new LongAdder[count];
    for (int i = 0; i < count; i++) {
      adders[i] = new LongAdder();
    }
    return adders;
  }

  void signal(SignalType type, FarewellStats.Outcome outcome) {
    signals[type.ordinal() * OUTCOMES + outcome.ordinal()].increment();
  }

  void add(StatsListener listener) {
    listeners.add(listener);
  }

  /** Counts a release handed to the pipeline and tells the listeners; never throws. */
  void released(Release release) {
    releases[release.reason().ordinal()].increment();
    for (StatsListener listener : listeners) {
      try {
        listener.released(release);
      } catch (Throwable e) { // an Error or an undeclared checked exception too: never a lost release
        logger.warn("Stats listener failed on the release of session {}", release.sessionKey(), e);
      }
    }
  }

  FarewellStats snapshot(ReleaseStats actions, boolean storeUp, long storeBacklog) {
    return new FarewellStats(sums(signals), sums(releases), actions, storeUp,
        actions.pending() + storeBacklog);
  }

  private static long[] sums(LongAdder[] adders) {
    long[] sums = new long[adders.length];
    for (int i = 0; i < adders.length; i++) {
      sums[i] = adders[i].sum();
    }
    return sums;
  }
}
