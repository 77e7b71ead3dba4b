package dev.farewell.spring.boot;

import dev.farewell.Farewell;
import java.util.function.Consumer;

/** Copies the engine's {@code farewell.*} properties that are set onto a builder. */
final class EngineSettings {

  private EngineSettings() {}

  static Farewell.Builder apply(FarewellProperties p, Farewell.Builder b) {
    set(p.getHeartbeatInterval(), b::heartbeatInterval);
    set(p.getHeartbeatTimeout(), b::heartbeatTimeout);
    set(p.getHiddenTimeout(), b::hiddenTimeout);
    set(p.getExitGrace(), b::exitGrace);
    set(p.getNavigationGrace(), b::navigationGrace);
    set(p.getOpenTimeout(), b::openTimeout);
    set(p.getTombstoneTtl(), b::tombstoneTtl);
    set(p.getMaximumTombstones(), b::maximumTombstones);
    set(p.getMaximumSessions(), b::maximumSessions);
    set(p.getMaximumPagesPerSession(), b::maximumPagesPerSession);
    set(p.getMaximumPendingReleases(), b::maximumPendingReleases);
    set(p.getReleaseOnClose(), b::releaseOnClose);
    set(p.getShutdownTimeout(), b::shutdownTimeout);
    return b;
  }

  private static <T> void set(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }
}
