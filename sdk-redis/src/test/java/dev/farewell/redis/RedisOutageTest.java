package dev.farewell.redis;

import static dev.farewell.SignalType.EXIT;
import static dev.farewell.SignalType.HEARTBEAT;
import static dev.farewell.SignalType.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Redis, a server of the test's own, stops for 20 s while pages keep beating to two nodes, then
 * starts again with the data it saved: no session whose pages kept beating is released, while
 * those that stopped or exited meanwhile are released once, after the recovery grace.
 */
class RedisOutageTest {

  private static final Duration RECOVERY_GRACE = Duration.ofSeconds(3);

  private final Map<String, Release> releases = new ConcurrentHashMap<>();
  private final Queue<String> problems = new ConcurrentLinkedQueue<>();

  private Farewell node(RedisServer server, String prefix) {
    return Farewell.newBuilder()
        .heartbeatInterval(Duration.ofSeconds(1))
        .heartbeatTimeout(Duration.ofSeconds(4))
        .hiddenTimeout(Duration.ofSeconds(6))
        .exitGrace(Duration.ofSeconds(1))
        .openTimeout(Duration.ofSeconds(4))
        .onRelease(release -> {
          if (releases.putIfAbsent(release.sessionKey(), release) != null) {
            problems.add(release.sessionKey() + " released twice");
          }
        })
        .store(RedisSessionStore.newBuilder().redisUri(server.uri()).keyPrefix(prefix)
            .recoveryGrace(RECOVERY_GRACE).build())
        .build();
  }

  @Test
  void redisStoppedForTwentySecondsUnderLiveHeartbeatsReleasesNoBeatingSession()
      throws Exception {
    TestRedis.uri(); // skips (or fails) the same way when Redis is missing
    RedisServer server;
    try {
      server = RedisServer.start();
    } catch (IOException e) {
      TestRedis.skipOrFail("redis-server could not be started: " + e);
      return;
    }
    String prefix = TestRedis.uniquePrefix();
    ScheduledExecutorService pages = Executors.newSingleThreadScheduledExecutor();
    try (server) {
      List<Farewell> nodes = List.of(node(server, prefix), node(server, prefix));
      List<String> beating = keys("beating", 50);
      List<String> stopping = keys("stopping", 10);
      List<String> exiting = keys("exiting", 5);
      List<String> loggedOut = keys("logged-out", 3);
      AtomicLong sequence = new AtomicLong();
      List<String> all = new ArrayList<>(beating);
      all.addAll(stopping);
      all.addAll(exiting);
      all.addAll(loggedOut);
      for (String key : all) {
        send(nodes, Signal.of(OPEN, key, "p", sequence.incrementAndGet()));
      }
      List<String> alive = new java.util.concurrent.CopyOnWriteArrayList<>(all);
      pages.scheduleAtFixedRate(() -> {
        for (String key : alive) {
          send(nodes, Signal.of(HEARTBEAT, key, "p", sequence.incrementAndGet()));
        }
      }, 1, 1, TimeUnit.SECONDS);

      pass(Duration.ofSeconds(3));
      server.stop();
      alive.removeAll(stopping);
      pass(Duration.ofSeconds(2));
      alive.removeAll(exiting);
      for (String key : exiting) {
        send(nodes, Signal.of(EXIT, key, "p", sequence.incrementAndGet()));
      }
      alive.removeAll(loggedOut);
      for (String key : loggedOut) {
        assertThat(nodes.get(0).release(key)).as("kept for when Redis returns").isTrue();
      }
      assertThat(nodes.get(1).track("tracked-offline", Map.of("user", "ada")))
          .isEqualTo(SignalResult.live(true));
      pass(Duration.ofSeconds(18));
      long restartedAt = System.currentTimeMillis();
      server.startAgain();

      await().atMost(Duration.ofSeconds(15))
          .until(() -> releases.keySet().containsAll(stopping)
              && releases.keySet().containsAll(exiting)
              && releases.keySet().containsAll(loggedOut)
              && releases.containsKey("tracked-offline"));
      pass(Duration.ofSeconds(3));
      assertThat(problems).as("false releases and doubles").isEmpty();
      assertThat(releases.keySet()).as("sessions whose pages kept beating")
          .doesNotContainAnyElementsOf(beating);
      for (String key : stopping) {
        assertThat(releases.get(key).reason()).isEqualTo(ReleaseReason.TIMEOUT);
      }
      for (String key : exiting) {
        assertThat(releases.get(key).reason()).isEqualTo(ReleaseReason.EXIT);
      }
      for (String key : loggedOut) {
        assertThat(releases.get(key).reason()).isEqualTo(ReleaseReason.EXPLICIT);
      }
      assertThat(releases.get("tracked-offline").reason()).isEqualTo(ReleaseReason.TIMEOUT);
      assertThat(releases.get("tracked-offline").attributes()).containsEntry("user", "ada");
      for (Release release : releases.values()) {
        if (release.reason() == ReleaseReason.EXPLICIT) {
          continue; // made by the node that kept it, as soon as Redis answered
        }
        assertThat(release.releasedAt().toEpochMilli())
            .as("nothing is claimed before the recovery grace ends")
            .isGreaterThanOrEqualTo(restartedAt + RECOVERY_GRACE.toMillis() - 1_000);
      }

      alive.clear();
      await().atMost(Duration.ofSeconds(15)).until(() -> releases.keySet().containsAll(beating));
      assertThat(problems).isEmpty();
      nodes.forEach(Farewell::close);
    } finally {
      pages.shutdownNow();
    }
  }

  private void send(List<Farewell> nodes, Signal signal) {
    Farewell node = nodes.get(ThreadLocalRandom.current().nextInt(nodes.size()));
    SignalResult result = node.signal(signal);
    if (signal.type() != EXIT && result.status() == SignalResult.Status.RELEASED) {
      problems.add(signal.sessionKey() + " answered " + result + " to a beating page");
    }
  }

  /** Lets real time pass (the outage and the pages' beats are real). */
  private static void pass(Duration duration) {
    await().pollDelay(duration).atMost(duration.plusSeconds(5)).until(() -> true);
  }

  private static List<String> keys(String kind, int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      keys.add(kind + "-" + i);
    }
    return keys;
  }
}
