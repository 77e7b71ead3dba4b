package dev.farewell.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.ReleaseReason;
import dev.farewell.SessionView;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.spi.SessionStore;
import dev.farewell.spi.StoreContext;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What the health indicator says of a real engine, whichever Actuator shows it. */
class FarewellHealthTest {

  @Test
  void anEngineWhoseStoreServesAndHasNoBacklogIsUp() {
    try (Farewell farewell = Farewell.newBuilder().build()) {
      FarewellHealth.Check check = new FarewellHealth(farewell, 0).check();

      assertThat(check.status()).isEqualTo("UP");
      assertThat(check.details()).containsEntry("storeUp", true).containsEntry("releaseBacklog", 0L);
    }
  }

  @Test
  void aStoreThatCannotServeIsDownWhateverTheBacklog() {
    try (Farewell farewell = Farewell.newBuilder().store(new UnreachableStore(5)).build()) {
      assertThat(new FarewellHealth(farewell, 1000).check().status()).isEqualTo("DOWN");
    }
  }

  @Test
  void aBacklogOverTheLimitIsDegradedAndAtTheLimitIsNot() {
    try (Farewell farewell = Farewell.newBuilder().store(new ServingStore(5)).build()) {
      assertThat(new FarewellHealth(farewell, 4).check().status()).isEqualTo("DEGRADED");
      assertThat(new FarewellHealth(farewell, 5).check().status()).isEqualTo("UP");
    }
  }

  @Test
  void aClosedEngineIsDown() {
    Farewell farewell = Farewell.newBuilder().build();
    farewell.close();
    assertThat(new FarewellHealth(farewell, 0).check().status()).isEqualTo("DOWN");
  }

  /** A store that serves and keeps {@code backlog} releases it has not handed on. */
  private static class ServingStore implements SessionStore {
    private final long backlog;

    ServingStore(long backlog) {
      this.backlog = backlog;
    }

    @Override
    public void start(StoreContext context) {}

    @Override
    public SignalResult apply(Signal signal) {
      return SignalResult.live(true);
    }

    @Override
    public SignalResult track(String sessionKey, Map<String, String> attributes) {
      return SignalResult.live(true);
    }

    @Override
    public boolean release(String sessionKey, ReleaseReason reason) {
      return false;
    }

    @Override
    public Optional<SessionView> session(String sessionKey) {
      return Optional.empty();
    }

    @Override
    public void forEachSession(Consumer<SessionView> consumer) {}

    @Override
    public long size() {
      return 0;
    }

    @Override
    public void cleanUp() {}

    @Override
    public void close(boolean releaseAll) {}

    @Override
    public long releaseBacklog() {
      return backlog;
    }
  }

  /** The same store, while its server cannot be reached. */
  private static final class UnreachableStore extends ServingStore {
    UnreachableStore(long backlog) {
      super(backlog);
    }

    @Override
    public boolean isServing() {
      return false;
    }
  }
}
