package dev.farewell.beacon;

import dev.farewell.ReleaseReason;
import dev.farewell.SessionView;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.internal.CaffeineSessionStore;
import dev.farewell.spi.SessionStore;
import dev.farewell.spi.StoreContext;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The real in-memory store, with one twist for race tests: a step the test gives runs once right
 * after the next look-up of a session has answered, as another thread could between that look-up
 * and the caller's next call.
 */
final class InterleavingStore implements SessionStore {

  private final SessionStore store = new CaffeineSessionStore();
  private final AtomicReference<Runnable> afterNextLookUp = new AtomicReference<>();

  /** Runs {@code step} once, right after the next {@link #session} call has answered. */
  void afterNextLookUp(Runnable step) {
    afterNextLookUp.set(step);
  }

  @Override
  public void start(StoreContext context) {
    store.start(context);
  }

  @Override
  public SignalResult apply(Signal signal) {
    return store.apply(signal);
  }

  @Override
  public SignalResult track(String sessionKey, Map<String, String> attributes) {
    return store.track(sessionKey, attributes);
  }

  @Override
  public boolean release(String sessionKey, ReleaseReason reason) {
    return store.release(sessionKey, reason);
  }

  @Override
  public Optional<SessionView> session(String sessionKey) {
    Optional<SessionView> session = store.session(sessionKey);
    Runnable step = afterNextLookUp.getAndSet(null);
    if (step != null) {
      step.run();
    }
    return session;
  }

  @Override
  public void forEachSession(Consumer<SessionView> consumer) {
    store.forEachSession(consumer);
  }

  @Override
  public long size() {
    return store.size();
  }

  @Override
  public void cleanUp() {
    store.cleanUp();
  }

  @Override
  public void close(boolean releaseAll) {
    store.close(releaseAll);
  }
}
