package dev.farewell.internal;

import dev.farewell.ReleaseReason;
import dev.farewell.SessionView;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.spi.SessionStore;
import dev.farewell.spi.StoreContext;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** The in-memory store on Caffeine. Placeholder until the engine lands. */
public final class CaffeineSessionStore implements SessionStore {
  @Override public void start(StoreContext context) {}
  @Override public SignalResult apply(Signal signal) { throw new UnsupportedOperationException(); }
  @Override public SignalResult track(String key, Map<String, String> attributes) {
    throw new UnsupportedOperationException();
  }
  @Override public boolean release(String key, ReleaseReason reason) {
    throw new UnsupportedOperationException();
  }
  @Override public Optional<SessionView> session(String key) { return Optional.empty(); }
  @Override public void forEachSession(Consumer<SessionView> consumer) {}
  @Override public long size() { return 0; }
  @Override public void cleanUp() {}
  @Override public void close(boolean releaseAll) {}
}
