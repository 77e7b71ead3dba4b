package dev.farewell.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three engine nodes, each its own JVM ({@link KilledNode}), on a Redis of the test's own, with
 * pages beating to them through a balancer that skips dead nodes. Round after round the test
 * kills a random node with {@code kill -9} at a random moment (while its release actions run,
 * wait for a retry or have just completed) and starts it again. Then it checks what every node
 * wrote: each ended session has exactly one release id and at least one completed action run;
 * each session that kept beating has no release at all.
 *
 * <p>20 rounds by default; {@code -Dfarewell.killRounds=N} (or {@code FAREWELL_KILL_ROUNDS}) for a
 * longer soak.
 */
class NodeKillTest {

  private static final int NODES = 3;
  private static final long INTERVAL = KilledNode.INTERVAL.toMillis();

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofMillis(500)).build();
  private final AtomicReferenceArray<Node> nodes = new AtomicReferenceArray<>(NODES);
  private final ScheduledExecutorService pages = Executors.newScheduledThreadPool(8);
  /** Sessions whose pages stopped (or that were released); each must be released. */
  private final Set<String> ended = ConcurrentHashMap.newKeySet();
  /** Sessions whose pages beat until the end; none may be released. */
  private final Set<String> beating = ConcurrentHashMap.newKeySet();
  /** Sessions a page could not reach any node for longer than the timeout allows. */
  private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
  private final AtomicInteger started = new AtomicInteger();
  private volatile boolean stopping;

  /** One node process and the port it serves on. */
  private record Node(Process process, int port) {}

  @Test
  void killingRandomNodesAtRandomMomentsLosesNoReleaseAndFalsifiesNone() throws Exception {
    int rounds = Integer.getInteger("farewell.killRounds",
        Integer.parseInt(System.getenv().getOrDefault("FAREWELL_KILL_ROUNDS", "20")));
    try (RedisServer redis = RedisServer.start()) {
      String prefix = TestRedis.uniquePrefix();
      for (int i = 0; i < NODES; i++) {
        nodes.set(i, startNode(redis.uri(), prefix, i));
      }
      ScheduledExecutorService spawner = Executors.newSingleThreadScheduledExecutor();
      spawner.scheduleAtFixedRate(this::startSession, 0, 80, TimeUnit.MILLISECONDS);
      ThreadLocalRandom random = ThreadLocalRandom.current();
      int kills = 0;
      try {
        for (int round = 0; round < rounds; round++) {
          Thread.sleep(1_000 + random.nextLong(3_000));
          int victim = random.nextInt(NODES);
          Node dead = nodes.get(victim);
          dead.process().destroyForcibly().waitFor();
          kills++;
          nodes.set(victim, startNode(redis.uri(), prefix, victim));
        }
      } finally {
        spawner.shutdownNow();
      }
      stopping = true;
      Map<String, Set<String>> ids = new HashMap<>();
      Map<String, Integer> done = new HashMap<>();
      Map<String, Set<String>> startedOn = new HashMap<>();
      try {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
          read(ids, done, startedOn);
          return ended.stream().allMatch(done::containsKey);
        });
      } catch (ConditionTimeoutException e) {
        // Some were lost: the figures below say how many.
      }
      // Let whatever else would happen (a false release of a beating session) happen.
      await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
      read(ids, done, startedOn);

      List<String> lost = ended.stream().filter(key -> !done.containsKey(key)).toList();
      List<String> twoDecisions = ids.entrySet().stream()
          .filter(entry -> entry.getValue().size() > 1).map(Map.Entry::getKey).toList();
      List<String> falseReleases = beating.stream()
          .filter(key -> !unreachable.contains(key) && ids.containsKey(key)).toList();
      long doubled = done.values().stream().filter(count -> count > 1).count();
      long movedNodes = startedOn.values().stream().filter(on -> on.size() > 1).count();
      System.out.printf("node kill suite: %d rounds (%d kills), %d sessions, %d released, "
              + "%d kept beating, lost %d, two decisions %d, false %d, acted twice %d (same id), "
              + "taken over %d, unreachable pages %d%n",
          rounds, kills, started.get(), done.size(), beating.size(), lost.size(),
          twoDecisions.size(), falseReleases.size(), doubled, movedNodes, unreachable.size());

      assertThat(lost).as("ended sessions whose release action never completed").isEmpty();
      assertThat(twoDecisions).as("sessions released under two release ids").isEmpty();
      assertThat(falseReleases).as("sessions released while their pages beat").isEmpty();
      assertThat(movedNodes).as("releases whose node was killed and that another node finished")
          .isPositive();
      assertThat(unreachable.size()).as("pages that found no node").isLessThan(beating.size());
    } finally {
      stopping = true;
      pages.shutdownNow();
      for (int i = 0; i < NODES; i++) {
        Node node = nodes.get(i);
        if (node != null) {
          node.process().destroyForcibly();
        }
      }
    }
  }

  /** Reads every node's record file: release ids per session, completed runs, nodes that ran. */
  private void read(Map<String, Set<String>> ids, Map<String, Integer> done,
      Map<String, Set<String>> startedOn) throws IOException {
    ids.clear();
    done.clear();
    startedOn.clear();
    for (int i = 0; i < NODES; i++) {
      Path file = dir.resolve("node-" + i + ".records");
      if (!Files.exists(file)) {
        continue;
      }
      for (String line : Files.readAllLines(file)) {
        String[] parts = line.split(" ");
        if (parts.length < 5) {
          continue; // the node was killed while writing this line
        }
        String key = parts[1];
        ids.computeIfAbsent(key, k -> new HashSet<>()).add(parts[2]);
        startedOn.computeIfAbsent(key, k -> new HashSet<>()).add(parts[3]);
        if (parts[0].equals("done")) {
          done.merge(key, 1, Integer::sum);
        }
      }
    }
  }

  private Node startNode(URI redis, String prefix, int index) throws Exception {
    Path portFile = dir.resolve("node-" + index + "-" + System.nanoTime() + ".port");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(List.of(java, "-Xmx96m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), KilledNode.class.getName(),
        redis.toString(), prefix, "node-" + index,
        dir.resolve("node-" + index + ".records").toString(), portFile.toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(
            dir.resolve("node-" + index + ".log").toFile()))
        .start();
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(portFile));
    return new Node(process, Integer.parseInt(Files.readString(portFile).trim()));
  }

  /** A session: a tracked page that beats a while, then goes silent, exits or logs out. */
  private void startSession() {
    if (stopping) {
      return;
    }
    String key = "s" + started.incrementAndGet();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int end = random.nextInt(10);
    int beats = 1 + random.nextInt(5);
    if (end == 0) {
      beating.add(key);
    }
    if (!send(key, "/track?session=" + key) || !send(key, signal(key, "OPEN", 1))) {
      // Unknown whether a node took it before dying: neither checked as ended nor as beating.
      beating.remove(key);
      return;
    }
    pages.schedule(() -> beat(key, 2, beats, end), INTERVAL, TimeUnit.MILLISECONDS);
  }

  private void beat(String key, int seq, int beatsLeft, int end) {
    boolean keeps = end == 0;
    if (!keeps && beatsLeft <= 0) {
      ended.add(key);
      if (end <= 3) {
        send(key, signal(key, "EXIT", seq));
      } else if (end <= 5) {
        send(key, "/release?session=" + key);
      } // else: the page goes silent
      return;
    }
    long sentAt = System.currentTimeMillis();
    boolean reached = send(key, signal(key, "HEARTBEAT", seq));
    if (!reached && keeps) {
      unreachable.add(key);
    }
    if (keeps && stoppedBeatingTooLong(sentAt)) {
      unreachable.add(key);
    }
    pages.schedule(() -> beat(key, seq + 1, beatsLeft - 1, end), INTERVAL, TimeUnit.MILLISECONDS);
  }

  /** The page's own timer fired late (this JVM stalled), so its beats may have come too late. */
  private boolean stoppedBeatingTooLong(long sentAt) {
    return System.currentTimeMillis() - sentAt > KilledNode.TIMEOUT.toMillis() - INTERVAL;
  }

  private static String signal(String key, String type, int seq) {
    return "/signal?type=" + type + "&session=" + key + "&page=p&seq=" + seq;
  }

  /** Sends through the balancer: a random node; a dead one is skipped, as a balancer would. */
  private boolean send(String key, String path) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long deadline = System.currentTimeMillis() + 2_000;
    while (System.currentTimeMillis() < deadline) {
      Node node = nodes.get(random.nextInt(NODES));
      try {
        HttpResponse<String> response = http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                .timeout(Duration.ofMillis(1_500)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return true;
        }
      } catch (IOException e) {
        // a killed node: try another
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }
}
