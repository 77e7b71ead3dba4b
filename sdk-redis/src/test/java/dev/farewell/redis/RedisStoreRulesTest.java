package dev.farewell.redis;

import static dev.farewell.SignalType.EXIT;
import static dev.farewell.SignalType.HEARTBEAT;
import static dev.farewell.SignalType.HIDDEN;
import static dev.farewell.SignalType.OPEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.PageState;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.SessionState;
import dev.farewell.SessionView;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalResult.Status;
import dev.farewell.SignalType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.RedisClient;

/**
 * The rules of each script, through the engine, against a real Redis. The scripts read a fake
 * clock that the test advances, and sweeps run only when the test calls {@code cleanUp()}.
 */
class RedisStoreRulesTest {

  private final List<Release> releases = new CopyOnWriteArrayList<>();
  private final String prefix = TestRedis.uniquePrefix();
  private final FakeTime time = new FakeTime(prefix);
  private final RedisClient redis = RedisClient.create(TestRedis.uri());
  private Farewell farewell;
  private RedisSessionStore store;

  private Farewell engine(boolean coalesce) {
    return engine(coalesce, Farewell.newBuilder());
  }

  private Farewell engine(boolean coalesce, Farewell.Builder builder) {
    store = RedisSessionStore.newBuilder()
        .redisUri(TestRedis.uri())
        .keyPrefix(prefix)
        .sweepInterval(Duration.ofHours(1))
        .coalesceHeartbeats(coalesce)
        .build();
    farewell = builder.ticker(time).releaseExecutor(Runnable::run).onRelease(releases::add)
        .store(store).build();
    return farewell;
  }

  @AfterEach
  void close() {
    if (farewell != null) {
      farewell.close();
    }
    redis.close();
    time.close();
  }

  private void advance(long seconds) {
    time.advance(Duration.ofSeconds(seconds));
    farewell.cleanUp();
  }

  private void advanceMillis(long millis) {
    time.advance(Duration.ofMillis(millis));
    farewell.cleanUp();
  }

  private Instant at(long seconds) {
    return Instant.ofEpochMilli(time.millis() - time.read() / 1_000_000 + seconds * 1000);
  }

  @Test
  void releaseKeptOfflineJustAsRedisCameBackIsWrittenByTheNextSweep() {
    engine(false);
    farewell.signal(Signal.of(OPEN, "s", "p", 1));
    // A logout that saw the store down while its recovery was already writing the kept releases.
    store.offlineReleases.put("s",
        new RedisSessionStore.Kept(ReleaseReason.EXPLICIT, "r-1", time.read()));
    farewell.cleanUp();
    assertThat(releases).singleElement().satisfies(release -> {
      assertThat(release.sessionKey()).isEqualTo("s");
      assertThat(release.reason()).isEqualTo(ReleaseReason.EXPLICIT);
    });
    assertThat(store.offlineReleases).isEmpty();
    assertThat(farewell.signal(Signal.of(HEARTBEAT, "s", "p", 2)).status())
        .isEqualTo(Status.RELEASED);
  }

  @Test
  void visiblePageIsReleasedWithTimeoutWhenItsHeartbeatsStop() {
    engine(false);
    assertThat(farewell.signal(Signal.of(OPEN, "s", "p", 1)).status()).isEqualTo(Status.LIVE);
    advance(14);
    farewell.signal(Signal.of(HEARTBEAT, "s", "p", 2));
    advance(14);
    assertThat(releases).isEmpty();
    advance(1);
    assertThat(releases).singleElement().satisfies(release -> {
      assertThat(release.reason()).isEqualTo(ReleaseReason.TIMEOUT);
      assertThat(release.dueAt()).isEqualTo(at(29));
      assertThat(release.lastSignalAt()).isEqualTo(at(14));
    });
  }

  @Test
  void hiddenPageLivesUntilTheHiddenTimeout() {
    engine(false);
    farewell.signal(Signal.of(OPEN, "s", "p", 1));
    farewell.signal(Signal.of(HIDDEN, "s", "p", 2).withHidden(true));
    advance(149);
    assertThat(releases).isEmpty();
    assertThat(farewell.session("s").orElseThrow().pages().get(0).state())
        .isEqualTo(PageState.HIDDEN);
    advance(1);
    assertThat(releases).extracting(Release::reason).containsExactly(ReleaseReason.TIMEOUT);
  }

  @Test
  void lastPageExitReleasesAfterTheExitGraceWithExitReason() {
    engine(false);
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    farewell.signal(Signal.of(OPEN, "s", "b", 1));
    assertThat(farewell.signal(Signal.of(EXIT, "s", "a", 2)).status()).isEqualTo(Status.LIVE);
    assertThat(farewell.signal(Signal.of(EXIT, "s", "b", 2)).status()).isEqualTo(Status.EXITING);
    assertThat(farewell.session("s").orElseThrow().state()).isEqualTo(SessionState.EXITING);
    advanceMillis(2999);
    assertThat(releases).isEmpty();
    advanceMillis(1);
    assertThat(releases).singleElement().satisfies(release -> {
      assertThat(release.reason()).isEqualTo(ReleaseReason.EXIT);
      assertThat(release.dueAt()).isEqualTo(at(3));
    });
  }

  @Test
  void navigationExitWaitsForTheNavigationGrace() {
    engine(false);
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    farewell.signal(Signal.of(EXIT, "s", "a", 2).asNavigation());
    advance(9);
    assertThat(releases).isEmpty();
    advance(1);
    assertThat(releases).extracting(Release::reason).containsExactly(ReleaseReason.EXIT);
  }

  @Test
  void reloadDuringTheExitGraceCancelsTheRelease() {
    engine(false);
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    farewell.signal(Signal.of(EXIT, "s", "a", 2));
    advance(2);
    assertThat(farewell.signal(Signal.of(OPEN, "s", "b", 1)).status()).isEqualTo(Status.LIVE);
    advance(10);
    assertThat(releases).isEmpty();
    advance(5);
    assertThat(releases).extracting(Release::reason).containsExactly(ReleaseReason.TIMEOUT);
  }

  @Test
  void heartbeatDelayedPastTheExitIsIgnored() {
    engine(false);
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    farewell.signal(Signal.of(EXIT, "s", "a", 3));
    SignalResult late = farewell.signal(Signal.of(HEARTBEAT, "s", "a", 2));
    assertThat(late.accepted()).isFalse();
    assertThat(late.status()).isEqualTo(Status.EXITING);
    advance(3);
    assertThat(releases).extracting(Release::reason).containsExactly(ReleaseReason.EXIT);
  }

  @Test
  void releasedSessionAnswersReleasedWithItsReasonAndIsNotRevived() {
    engine(false);
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    farewell.signal(Signal.of(EXIT, "s", "a", 2));
    advance(3);
    SignalResult answer = farewell.signal(Signal.of(OPEN, "s", "new-page", 1));
    assertThat(answer.status()).isEqualTo(Status.RELEASED);
    assertThat(answer.reason()).contains(ReleaseReason.EXIT);
    assertThat(farewell.session("s")).isEmpty();
    advance(100);
    assertThat(releases).hasSize(1);
  }

  @Test
  void signalAfterTheDeadlineButBeforeTheSweepDoesNotRevive() {
    engine(false);
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    time.advance(Duration.ofSeconds(15));
    SignalResult answer = farewell.signal(Signal.of(HEARTBEAT, "s", "a", 2));
    assertThat(answer.status()).isEqualTo(Status.RELEASED);
    assertThat(answer.reason()).contains(ReleaseReason.TIMEOUT);
    farewell.cleanUp();
    assertThat(releases).extracting(Release::reason).containsExactly(ReleaseReason.TIMEOUT);
  }

  @Test
  void signalWhileTheReleaseActionsRunDoesNotRevive() {
    AtomicReference<SignalResult> during = new AtomicReference<>();
    engine(false, Farewell.newBuilder().onRelease(release ->
        during.set(farewell.signal(Signal.of(HEARTBEAT, "s", "a", 2)))));
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    advance(15);
    assertThat(during.get().status()).isEqualTo(Status.RELEASED);
    assertThat(releases).extracting(Release::reason).containsExactly(ReleaseReason.TIMEOUT);
    assertThat(farewell.signal(Signal.of(HEARTBEAT, "s", "a", 3)).status())
        .isEqualTo(Status.RELEASED);
  }

  @Test
  void trackClearsTheTombstoneAndStartsANewSession() {
    engine(false);
    farewell.track("s", Map.of("user", "ada"));
    farewell.release("s");
    assertThat(farewell.signal(Signal.of(OPEN, "s", "a", 1)).status()).isEqualTo(Status.RELEASED);
    assertThat(farewell.track("s", Map.of("user", "bob")).status()).isEqualTo(Status.LIVE);
    assertThat(farewell.signal(Signal.of(OPEN, "s", "b", 1)).status()).isEqualTo(Status.LIVE);
    assertThat(farewell.session("s").orElseThrow().attributes()).containsEntry("user", "bob");
    advance(15);
    assertThat(releases).extracting(Release::reason)
        .containsExactly(ReleaseReason.EXPLICIT, ReleaseReason.TIMEOUT);
  }

  @Test
  void trackWhileTheReleaseIsUnderWayStartsTheNewSessionAfterIt() {
    engine(false, Farewell.newBuilder().onRelease(release -> {
      if (release.attributes().containsValue("1")) {
        farewell.track("s", Map.of("n", "2"));
      }
    }));
    farewell.track("s", Map.of("n", "1"));
    advance(30);
    assertThat(releases).singleElement().satisfies(release ->
        assertThat(release.attributes()).containsEntry("n", "1"));
    SessionView fresh = farewell.session("s").orElseThrow();
    assertThat(fresh.state()).isEqualTo(SessionState.PENDING);
    assertThat(fresh.attributes()).containsEntry("n", "2");
  }

  @Test
  void trackedSessionWithoutPagesIsReleasedAfterTheOpenTimeout() {
    engine(false);
    farewell.track("s", Map.of("ticket", "ST-1"));
    assertThat(farewell.session("s").orElseThrow().state()).isEqualTo(SessionState.PENDING);
    advance(29);
    assertThat(releases).isEmpty();
    advance(1);
    assertThat(releases).singleElement().satisfies(release -> {
      assertThat(release.reason()).isEqualTo(ReleaseReason.TIMEOUT);
      assertThat(release.attributes()).containsEntry("ticket", "ST-1");
    });
  }

  @Test
  void trackCancelsAPendingExitGrace() {
    engine(false);
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    farewell.signal(Signal.of(EXIT, "s", "a", 2));
    farewell.track("s");
    advance(29);
    assertThat(releases).isEmpty();
    advance(1);
    assertThat(releases).extracting(Release::reason).containsExactly(ReleaseReason.TIMEOUT);
  }

  @Test
  void exitOfThePreviousPageAfterTrackWaitsForTheNewPageAsForANavigation() {
    engine(false);
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    farewell.track("s"); // the server renders the next page
    // the old page's pagehide, not marked as a navigation (a form post, a plain link)
    assertThat(farewell.signal(Signal.of(EXIT, "s", "a", 2))).isEqualTo(SignalResult.exiting(true));
    advance(9); // past the exit grace, within the navigation grace
    assertThat(releases).isEmpty();
    assertThat(farewell.signal(Signal.of(OPEN, "s", "b", 1)).status()).isEqualTo(Status.LIVE);
    advance(10);
    assertThat(releases).isEmpty();
    advance(5);
    assertThat(releases).extracting(Release::reason).containsExactly(ReleaseReason.TIMEOUT);
  }

  @Test
  void exitAfterAPrefetchIsReleasedAfterTheNavigationGraceNotTheOpenTimeout() {
    engine(false);
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    farewell.track("s"); // a prefetch: the page served is never shown
    farewell.signal(Signal.of(EXIT, "s", "a", 2));
    advance(9);
    assertThat(releases).isEmpty();
    advance(1);
    assertThat(releases).extracting(Release::reason).containsExactly(ReleaseReason.EXIT);
  }

  @Test
  void trackReplacesTheAttributesOnlyWhenNewOnesAreGiven() {
    engine(false);
    farewell.track("s", Map.of("user", "u1"));
    farewell.track("s");
    assertThat(farewell.session("s").orElseThrow().attributes()).containsEntry("user", "u1");
    farewell.track("s", Map.of("user", "u2"));
    assertThat(farewell.session("s").orElseThrow().attributes()).containsEntry("user", "u2");
  }

  @Test
  void heartbeatMarkedHiddenGetsTheHiddenTimeoutAndVisibleBringsBackTheShortOne() {
    engine(false);
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    farewell.signal(Signal.of(HEARTBEAT, "s", "a", 2).withHidden(true));
    assertThat(farewell.session("s").orElseThrow().deadline()).isEqualTo(at(150));
    advance(100);
    farewell.signal(Signal.of(dev.farewell.SignalType.VISIBLE, "s", "a", 3));
    assertThat(farewell.session("s").orElseThrow().deadline()).isEqualTo(at(115));
  }

  @Test
  void sessionOutlivesATabThatStoppedBeatingWhileAnotherBeats() {
    engine(false);
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    farewell.signal(Signal.of(OPEN, "s", "b", 1));
    for (int i = 2; i < 6; i++) {
      advance(10);
      farewell.signal(Signal.of(HEARTBEAT, "s", "b", i));
    }
    assertThat(releases).isEmpty();
    assertThat(farewell.session("s").orElseThrow().state()).isEqualTo(SessionState.LIVE);
  }

  @Test
  void pageRestoredFromTheBackForwardCacheRevivesTheSession() {
    engine(false);
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    farewell.signal(Signal.of(EXIT, "s", "a", 2));
    advance(1);
    assertThat(farewell.signal(Signal.of(dev.farewell.SignalType.RESUME, "s", "a", 3)).status())
        .isEqualTo(Status.LIVE);
    advance(10);
    assertThat(releases).isEmpty();
  }

  @Test
  void exitOfAnUnknownSessionStartsNothing() {
    engine(false);
    assertThat(farewell.signal(Signal.of(EXIT, "s", "a", 1)).accepted()).isFalse();
    assertThat(farewell.session("s")).isEmpty();
    assertThat(farewell.size()).isZero();
  }

  @Test
  void explicitReleaseIsIdempotent() {
    engine(false);
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    assertThat(farewell.release("s")).isTrue();
    assertThat(farewell.release("s")).isFalse();
    advance(100);
    assertThat(releases).extracting(Release::reason).containsExactly(ReleaseReason.EXPLICIT);
  }

  @Test
  void pagesBeyondTheMaximumAreRefusedUntilOneExits() {
    engine(false, Farewell.newBuilder().maximumPagesPerSession(2));
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    farewell.signal(Signal.of(OPEN, "s", "b", 1));
    assertThat(farewell.signal(Signal.of(OPEN, "s", "c", 1)).status()).isEqualTo(Status.FULL);
    farewell.signal(Signal.of(EXIT, "s", "a", 2));
    assertThat(farewell.signal(Signal.of(OPEN, "s", "c", 1)).status()).isEqualTo(Status.LIVE);
  }

  @Test
  void aRefusedPageThatBeatsKeepsItsSessionAlive() {
    engine(false, Farewell.newBuilder().maximumPagesPerSession(2));
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    farewell.signal(Signal.of(OPEN, "s", "b", 1));
    assertThat(farewell.signal(Signal.of(OPEN, "s", "c", 1)).status()).isEqualTo(Status.FULL);
    advance(10);
    // Pages a and b fell silent; the refused tab c still beats in its browser.
    assertThat(farewell.signal(Signal.of(HEARTBEAT, "s", "c", 2)).status()).isEqualTo(Status.FULL);
    advance(10);
    assertThat(releases).as("released under a tab that beats").isEmpty();
    advance(6);
    assertThat(releases).extracting(Release::reason).containsExactly(ReleaseReason.TIMEOUT);
  }

  /**
   * A refused page keeps its session alive for its signal's timeout, also when the session's own
   * page then exits or beats (which works the deadline out again from the tracked pages).
   */
  @ParameterizedTest
  @EnumSource(value = SignalType.class, names = {"EXIT", "HEARTBEAT"})
  void aRefusedPageKeepsItsSessionAliveWhateverTheTrackedPageSignalsNext(SignalType next) {
    engine(false, Farewell.newBuilder().maximumPagesPerSession(1));
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    advance(1);
    assertThat(farewell.signal(Signal.of(HIDDEN, "s", "c", 1)).status())
        .as("a second page, hidden: may beat until t = 151 s").isEqualTo(Status.FULL);
    advance(1);
    farewell.signal(Signal.of(next, "s", "a", 2));
    advance(100);
    assertThat(releases).as("released while the refused hidden page may beat").isEmpty();
    advance(50);
    assertThat(releases).extracting(Release::reason).containsExactly(ReleaseReason.TIMEOUT);
  }

  /**
   * A release kept by the node (its reply was lost) and written again after it was made and
   * acknowledged, once the key was tracked again for the next login, leaves that login alone.
   */
  @Test
  void aKeptReleaseWrittenAfterTheNextLoginDoesNotEndIt() {
    engine(false);
    farewell.track("s", Map.of("user", "ada"));
    long asked = time.read();
    assertThat(farewell.release("s")).isTrue();
    assertThat(releases).singleElement();
    advance(1);
    farewell.track("s", Map.of("user", "bob"));
    // The node saw no reply to its release: it kept the release, and writes it again now.
    store.offlineReleases.put("s", new RedisSessionStore.Kept(ReleaseReason.EXPLICIT,
        releases.get(0).releaseId(), asked));
    advance(1);
    assertThat(store.offlineReleases).isEmpty();
    assertThat(releases).as("releases made").singleElement()
        .satisfies(r -> assertThat(r.attributes()).containsEntry("user", "ada"));
    assertThat(farewell.signal(Signal.of(OPEN, "s", "p", 1)).status()).isEqualTo(Status.LIVE);
  }

  @Test
  void sessionsBeyondTheMaximumAreRefusedAndNoneIsEvicted() {
    engine(false, Farewell.newBuilder().maximumSessions(2));
    farewell.signal(Signal.of(OPEN, "one", "a", 1));
    farewell.track("two");
    assertThat(farewell.signal(Signal.of(OPEN, "three", "a", 1)).status()).isEqualTo(Status.FULL);
    assertThat(farewell.track("three").status()).isEqualTo(Status.FULL);
    assertThat(farewell.snapshot()).extracting(SessionView::sessionKey)
        .containsExactlyInAnyOrder("one", "two");
    farewell.release("one");
    assertThat(farewell.track("three").status()).isEqualTo(Status.LIVE);
  }

  @Test
  void aSessionWhoseTombstoneWasForgottenByCountDoesNotStartAgainWithinItsTtl() {
    engine(false, Farewell.newBuilder().maximumTombstones(2).tombstoneTtl(Duration.ofMinutes(10)));
    for (String key : List.of("a", "b", "c")) {
      farewell.track(key);
      farewell.release(key);
      time.advance(Duration.ofMillis(1));
    }
    assertThat(redis.hexists("{" + prefix + ":0}:tombr", "a"))
        .as("a's tombstone, forgotten by count").isFalse();
    assertThat(redis.hexists("{" + prefix + ":0}:tombr", "c")).as("c's tombstone").isTrue();
    assertThat(farewell.signal(Signal.of(OPEN, "a", "p", 1)))
        .isEqualTo(SignalResult.released(ReleaseReason.TIMEOUT));
    assertThat(farewell.signal(Signal.of(OPEN, "unknown", "p", 1)).status())
        .as("a key the store cannot tell from a forgotten one").isEqualTo(Status.RELEASED);
    assertThat(farewell.signal(Signal.of(OPEN, "c", "p", 1)))
        .isEqualTo(SignalResult.released(ReleaseReason.EXPLICIT));

    time.advance(Duration.ofMinutes(10)); // the forgotten tombstone's TTL has passed
    assertThat(farewell.signal(Signal.of(OPEN, "a", "q", 1)).status()).isEqualTo(Status.LIVE);
  }

  @Test
  void coalescedHeartbeatIsWrittenBeforeTheDeadlineWrittenEarlierPasses() {
    engine(true);
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    advance(5);
    assertThat(farewell.signal(Signal.of(HEARTBEAT, "s", "a", 2))).isEqualTo(SignalResult.live(true));
    Instant written = farewell.session("s").orElseThrow().deadline();
    assertThat(written).as("the beat was answered locally").isEqualTo(at(15));
    advanceMillis(2_499);
    assertThat(farewell.session("s").orElseThrow().deadline()).isEqualTo(at(15));
    advanceMillis(1);
    assertThat(farewell.session("s").orElseThrow().deadline())
        .as("written when the window ends, with its own time").isEqualTo(at(20));
    advanceMillis(12_499);
    assertThat(releases).isEmpty();
    advanceMillis(1);
    assertThat(releases).singleElement().satisfies(release -> {
      assertThat(release.reason()).isEqualTo(ReleaseReason.TIMEOUT);
      assertThat(release.dueAt()).isEqualTo(at(20));
    });
  }

  @Test
  void heartbeatFarFromTheWrittenDeadlineIsWrittenAtOnce() {
    engine(true);
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    advance(8);
    farewell.signal(Signal.of(HEARTBEAT, "s", "a", 2));
    assertThat(farewell.session("s").orElseThrow().deadline()).isEqualTo(at(23));
  }

  @Test
  void snapshotShowsPagesAttributesAndDeadlines() {
    engine(false);
    farewell.track("s", Map.of("user", "ada"));
    farewell.signal(Signal.of(OPEN, "s", "a", 4));
    farewell.signal(Signal.of(OPEN, "t", "b", 1).withHidden(true));
    assertThat(farewell.size()).isEqualTo(2);
    SessionView view = farewell.snapshot().stream()
        .filter(v -> v.sessionKey().equals("s")).findFirst().orElseThrow();
    assertThat(view.state()).isEqualTo(SessionState.LIVE);
    assertThat(view.attributes()).containsEntry("user", "ada");
    assertThat(view.pages()).singleElement().satisfies(page -> {
      assertThat(page.pageId()).isEqualTo("a");
      assertThat(page.sequence()).isEqualTo(4);
      assertThat(page.deadline()).isEqualTo(at(15));
    });
    assertThat(view.deadline()).as("pages rule once one signalled").isEqualTo(at(15));
  }

  @Test
  void closeWithReleaseOnCloseReleasesEveryLiveSessionWithShutdown() {
    engine(false, Farewell.newBuilder().releaseOnClose(true));
    farewell.signal(Signal.of(OPEN, "one", "a", 1));
    farewell.track("two");
    farewell.close();
    assertThat(releases).extracting(Release::reason)
        .containsExactly(ReleaseReason.SHUTDOWN, ReleaseReason.SHUTDOWN);
    assertThat(redis.zcard("{" + prefix + ":0}:due")).isZero();
  }

  @Test
  void closeWithoutReleaseLeavesSessionsForTheOtherNodes() {
    engine(false);
    farewell.signal(Signal.of(OPEN, "one", "a", 1));
    farewell.close();
    assertThat(releases).isEmpty();
    assertThat(redis.zcard("{" + prefix + ":0}:due")).isEqualTo(1);
  }

  @Test
  void signalsAreSpreadOverShardsWithOneHashTagEach() {
    RedisSessionStore store = RedisSessionStore.newBuilder().redisUri(TestRedis.uri())
        .keyPrefix(prefix).shards(8).sweepInterval(Duration.ofHours(1))
        .build();
    farewell = Farewell.newBuilder().ticker(time).releaseExecutor(Runnable::run)
        .onRelease(releases::add).store(store).build();
    for (int i = 0; i < 64; i++) {
      farewell.signal(Signal.of(OPEN, "s" + i, "a", 1));
    }
    long shardsUsed = java.util.stream.IntStream.range(0, 8)
        .filter(i -> redis.zcard("{" + prefix + ":" + i + "}:due") > 0).count();
    assertThat(shardsUsed).isGreaterThan(4);
    assertThat(farewell.size()).isEqualTo(64);
    assertThat(farewell.snapshot()).hasSize(64);
    advance(15);
    assertThat(releases).hasSize(64);
  }

  @Test
  void builderRejectsBadSettingsWithClearMessages() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> RedisSessionStore.newBuilder().redisUri("http://localhost"))
        .hasMessageContaining("redis://, rediss://, redis-cluster:// or redis-sentinel://");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> RedisSessionStore.newBuilder().redisUri("redis-sentinel://127.0.0.1:26379"))
        .hasMessageContaining("names the primary");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> RedisSessionStore.newBuilder().redisUri("redis-cluster://h1:7000,h2:x"))
        .hasMessageContaining("bad host:port 'h2:x'");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> RedisSessionStore.newBuilder().keyPrefix("a{b}"))
        .hasMessageContaining("without braces");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> RedisSessionStore.newBuilder().shards(0)).hasMessageContaining("was 0");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> RedisSessionStore.newBuilder().sweepInterval(Duration.ZERO))
        .hasMessageContaining("sweepInterval must be > 0");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> RedisSessionStore.newBuilder().build())
        .hasMessageContaining("exactly one of redisUri and client");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> RedisSessionStore.newBuilder().shards(2).shards(3))
        .hasMessageContaining("already set");
  }

  @Test
  void acknowledgedReleasesLeaveNothingClaimed() {
    engine(false);
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    advance(15);
    assertThat(releases).hasSize(1);
    assertThat(redis.zcard("{" + prefix + ":0}:claimed")).isZero();
    assertThat(redis.exists("{" + prefix + ":0}:s:s")).isFalse();
  }

  @Test
  void clientOfTheApplicationIsUsedAndLeftOpen() {
    try (RedisClient own = RedisClient.create(TestRedis.uri())) {
      RedisSessionStore store = RedisSessionStore.newBuilder().client(own).keyPrefix(prefix)
          .sweepInterval(Duration.ofHours(1)).build();
      Farewell engine = Farewell.newBuilder().ticker(time).releaseExecutor(Runnable::run)
          .onRelease(releases::add).store(store).build();
      engine.signal(Signal.of(OPEN, "s", "a", 1));
      assertThat(engine.session("s")).isPresent();
      engine.close();
      assertThat(own.ping()).isEqualTo("PONG");
    }
  }

  @Test
  void aStoreServesOneEngineOnly() {
    engine(false);
    RedisSessionStore store = RedisSessionStore.newBuilder().redisUri(TestRedis.uri()).build();
    Farewell.newBuilder().store(store).build().close();
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> Farewell.newBuilder().store(store).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("one engine");
  }

  @Test
  void keysOfTheStoreCarryTheApplicationPrefix() {
    engine(false);
    farewell.signal(Signal.of(OPEN, "s", "a", 1));
    assertThat(redis.keys("{" + prefix + ":*")).isNotEmpty();
  }
}
