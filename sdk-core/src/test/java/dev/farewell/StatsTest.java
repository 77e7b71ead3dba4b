package dev.farewell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.farewell.FarewellStats.Outcome;
import dev.farewell.testing.CollectingReleaseListener;
import dev.farewell.testing.FakeTicker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's counters and stats listeners follow what the engine does, and never change it. */
class StatsTest {

  private final FakeTicker ticker = new FakeTicker();
  private final CollectingReleaseListener released = new CollectingReleaseListener();
  private final Farewell farewell =
      Farewell.newBuilder()
          .ticker(ticker)
          .releaseExecutor(Runnable::run)
          .maximumPagesPerSession(1)
          .onRelease(released)
          .build();

  @AfterEach
  void close() {
    farewell.close();
  }

  private SignalResult send(SignalType type, String key, String page, long sequence) {
    return farewell.signal(Signal.of(type, key, page, sequence));
  }

  @Test
  void signalsAreCountedByTypeAndOutcome() {
    send(SignalType.OPEN, "s1", "p1", 0);
    send(SignalType.HEARTBEAT, "s1", "p1", 1);
    send(SignalType.HEARTBEAT, "s1", "p1", 1); // a replay
    send(SignalType.OPEN, "s1", "p2", 0); // one page per session
    send(SignalType.EXIT, "unknown", "p1", 0);
    farewell.release("s1");
    send(SignalType.HEARTBEAT, "s1", "p1", 2);

    FarewellStats stats = farewell.stats();
    assertThat(stats.signals(SignalType.OPEN, Outcome.ACCEPTED)).isEqualTo(1);
    assertThat(stats.signals(SignalType.HEARTBEAT, Outcome.ACCEPTED)).isEqualTo(1);
    assertThat(stats.signals(SignalType.HEARTBEAT, Outcome.IGNORED)).isEqualTo(1);
    assertThat(stats.signals(SignalType.OPEN, Outcome.REFUSED)).isEqualTo(1);
    assertThat(stats.signals(SignalType.EXIT, Outcome.IGNORED)).isEqualTo(1);
    assertThat(stats.signals(SignalType.HEARTBEAT, Outcome.RELEASED)).isEqualTo(1);
    assertThat(stats.signals()).isEqualTo(6);

    farewell.close();
    send(SignalType.HEARTBEAT, "s2", "p1", 0);
    assertThat(farewell.stats().signals(SignalType.HEARTBEAT, Outcome.CLOSED)).isEqualTo(1);
  }

  @Test
  void releasesAreCountedByReasonAndListenersSeeTheirLateness() {
    List<Release> seen = new CopyOnWriteArrayList<>();
    farewell.addStatsListener(seen::add);
    send(SignalType.OPEN, "s1", "p1", 0);
    send(SignalType.OPEN, "s2", "p1", 0);
    send(SignalType.EXIT, "s2", "p1", 1);
    farewell.release("s3"); // not live: no release

    ticker.advance(Duration.ofSeconds(20)); // past s1's heartbeat timeout and s2's exit grace
    farewell.cleanUp();
    farewell.track("s4");
    farewell.release("s4");

    FarewellStats stats = farewell.stats();
    assertThat(stats.releases(ReleaseReason.TIMEOUT)).isEqualTo(1);
    assertThat(stats.releases(ReleaseReason.EXIT)).isEqualTo(1);
    assertThat(stats.releases(ReleaseReason.EXPLICIT)).isEqualTo(1);
    assertThat(stats.releases()).isEqualTo(3);
    assertThat(stats.actions().succeeded()).isEqualTo(3);
    assertThat(stats.releaseBacklog()).isZero();
    assertThat(stats.storeUp()).isTrue();
    assertThat(seen).extracting(Release::sessionKey).containsExactlyInAnyOrder("s1", "s2", "s4");
    // Found due 5 s after its deadline (15 s), s1 was released 5 s late.
    assertThat(seen.stream().filter(r -> r.sessionKey().equals("s1")).findFirst().orElseThrow()
        .lateness()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aFailingListenerChangesNoRelease() {
    farewell.addStatsListener(release -> {
      throw new IllegalStateException("broken metrics");
    });
    send(SignalType.OPEN, "s1", "p1", 0);
    assertThat(farewell.release("s1")).isTrue();

    assertThat(released.keys()).containsExactly("s1");
    assertThat(farewell.stats().releases(ReleaseReason.EXPLICIT)).isEqualTo(1);
    assertThat(farewell.stats().actions().failed()).isZero();
  }

  @Test
  void pagesCountOpenPagesOfLiveSessions() {
    Farewell roomy = Farewell.newBuilder().ticker(ticker).releaseExecutor(Runnable::run).build();
    try {
      roomy.signal(Signal.of(SignalType.OPEN, "s1", "p1", 0));
      roomy.signal(Signal.of(SignalType.OPEN, "s1", "p2", 0));
      roomy.signal(Signal.of(SignalType.OPEN, "s2", "p1", 0));
      assertThat(roomy.pages()).isEqualTo(3);
      roomy.signal(Signal.of(SignalType.EXIT, "s1", "p2", 1));
      assertThat(roomy.pages()).isEqualTo(2);
      roomy.release("s2");
      assertThat(roomy.pages()).isEqualTo(1);
    } finally {
      roomy.close();
    }
  }

  @Test
  void aStoreThatFailsCountsTheSignalAsFailed() {
    Farewell failing = Farewell.newBuilder().store(new FailingStore()).build();
    try {
      assertThatThrownBy(() -> failing.signal(Signal.of(SignalType.HEARTBEAT, "s1", "p1", 0)))
          .isInstanceOf(IllegalStateException.class);
      assertThat(failing.stats().signals(SignalType.HEARTBEAT, Outcome.FAILED)).isEqualTo(1);
      assertThat(failing.stats().storeUp()).isFalse();
      assertThat(failing.stats().releaseBacklog()).isEqualTo(7);
    } finally {
      failing.close();
    }
  }

  /** A store whose server is down: it refuses every signal and keeps seven releases. */
  private static final class FailingStore implements dev.farewell.spi.SessionStore {
    @Override
    public void start(dev.farewell.spi.StoreContext context) {}

    @Override
    public SignalResult apply(Signal signal) {
      throw new IllegalStateException("server down");
    }

    @Override
    public SignalResult track(String sessionKey, Map<String, String> attributes) {
      throw new IllegalStateException("server down");
    }

    @Override
    public boolean release(String sessionKey, ReleaseReason reason) {
      return false;
    }

    @Override
    public java.util.Optional<SessionView> session(String sessionKey) {
      return java.util.Optional.empty();
    }

    @Override
    public void forEachSession(java.util.function.Consumer<SessionView> consumer) {}

    @Override
    public long size() {
      return 0;
    }

    @Override
    public void cleanUp() {}

    @Override
    public void close(boolean releaseAll) {}

    @Override
    public boolean isServing() {
      return false;
    }

    @Override
    public long releaseBacklog() {
      return 7;
    }
  }
}
