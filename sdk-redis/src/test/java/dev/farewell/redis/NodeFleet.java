package dev.farewell.redis;

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

/**
 * Engine nodes, each its own JVM ({@link KilledNode}) on a real Redis, and the pages of about 12
 * new sessions a second beating to them (1 s beats, 4 s timeout): through a balancer that tries
 * another node when one does not answer, or with session affinity (each session's pages reach one
 * node only). A page beats a few times, then goes silent, exits or logs out; one session in ten
 * beats until the end. Every node writes each run of its release action to a file of its own,
 * which {@link #finish} reads to count what was lost, decided twice or released falsely.
 *
 * <p>A page of the fleet beats an interval after its previous beat was answered; on a loaded
 * machine this driver (or a starved node taking the request) can be late by more than the rules
 * allow. The engine owes a page its session while each beat reaches a node within the heartbeat
 * timeout of the one before, and, should the node that answered a beat die before writing it (a
 * coalesced beat), within 1.5 intervals: the margin coalescing keeps ({@code docs/multi-node.md},
 * <em>Heartbeat coalescing</em>). A session of a page that kept beating is released falsely
 * unless its release's deadline passed in such a gap; {@link Figures#lateBeats} lists the others.
 */
final class NodeFleet implements AutoCloseable {

  private static final long INTERVAL = KilledNode.INTERVAL.toMillis();

  /** What a run came to. */
  record Figures(int sessions, int released, int beating, List<String> lost,
      List<String> decidedTwice, List<String> falseReleases, List<String> lateBeats,
      long actedTwice, long movedNodes, int unreachable) {

    @Override
    public String toString() {
      return String.format("%d sessions, %d released, %d kept beating, lost %d, decided twice %d, "
              + "false %d, released after a beat that came too late %d, acted twice %d (same "
              + "id), finished by another node %d, unreachable pages %d", sessions, released,
          beating, lost.size(), decidedTwice.size(), falseReleases.size(), lateBeats.size(),
          actedTwice, movedNodes, unreachable);
    }
  }

  /**
   * A beat of a page that beats until the end, answered by node {@code node}: sent, taken by the
   * node and answered at these epoch millis.
   */
  private record Beat(int sequence, long sentAt, long receivedAt, long answeredAt, int node,
      boolean live) {}

  /** One node process and the port it serves on. */
  private record Node(Process process, int port) {}

  private final Path dir;
  private final String prefix = TestRedis.uniquePrefix();
  private final List<URI> redis;
  private final Duration partitionGrace;
  private final boolean affinity;
  private final AtomicReferenceArray<Node> nodes;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofMillis(500)).build();
  private final ScheduledExecutorService pages = Executors.newScheduledThreadPool(8);
  private final ScheduledExecutorService spawner = Executors.newSingleThreadScheduledExecutor();
  /** Sessions whose pages stopped (or that were released); each must be released. */
  private final Set<String> ended = ConcurrentHashMap.newKeySet();
  /** Sessions whose pages beat until the end; none may be released. */
  private final Set<String> beating = ConcurrentHashMap.newKeySet();
  /** Sessions a page could not reach a node for longer than the timeout allows. */
  private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
  /**
   * When each session's page sent its last beat that a node answered (millis), for telling what a
   * trouble explains: a beat sent after a trouble began reached a node after it, while one answered
   * after it may have been handled, and written, before.
   */
  private final Map<String, Long> lastBeat = new ConcurrentHashMap<>();
  /** When each session's page got the answer to that beat (millis). */
  private final Map<String, Long> lastAnswer = new ConcurrentHashMap<>();
  /** The answered beats of each session of {@link #beating}, in order. */
  private final Map<String, List<Beat>> beats = new ConcurrentHashMap<>();
  /** When each node was killed: node index and epoch millis. */
  private final List<long[]> kills = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** What each session's page sent, where, and what it was answered: for failure messages. */
  private final Map<String, List<String>> sent = new ConcurrentHashMap<>();
  private final long startedAt = System.currentTimeMillis();
  private final AtomicInteger started = new AtomicInteger();
  private volatile boolean stopping;

  /**
   * Starts one node per Redis URI (node i talks to {@code redis.get(i)}: a proxy of its own, or
   * all the same server).
   */
  NodeFleet(Path dir, List<URI> redis, Duration partitionGrace, boolean affinity)
      throws Exception {
    this.dir = dir;
    this.redis = redis;
    this.partitionGrace = partitionGrace;
    this.affinity = affinity;
    this.nodes = new AtomicReferenceArray<>(redis.size());
    for (int i = 0; i < redis.size(); i++) {
      nodes.set(i, start(i));
    }
  }

  int size() {
    return nodes.length();
  }

  /** Starts the pages: a new session every 80 ms. */
  void startTraffic() {
    spawner.scheduleAtFixedRate(this::startSession, 0, 80, TimeUnit.MILLISECONDS);
  }

  /** Kills node {@code index} with {@code kill -9} and starts it again. */
  void killAndRestart(int index) throws Exception {
    kills.add(new long[] {index, System.currentTimeMillis()});
    nodes.get(index).process().destroyForcibly().waitFor();
    nodes.set(index, start(index));
  }

  /**
   * Stops new sessions, lets the others end, waits until every ended session's release action
   * completed (or {@code patience} passed), then a little more for anything false to happen, and
   * counts.
   */
  Figures finish(Duration patience) throws IOException {
    spawner.shutdownNow();
    stopping = true;
    Map<String, Set<String>> ids = new HashMap<>();
    Map<String, Integer> done = new HashMap<>();
    Map<String, Set<String>> startedOn = new HashMap<>();
    Map<String, Long> due = new HashMap<>();
    try {
      await().atMost(patience).pollInterval(Duration.ofSeconds(1)).until(() -> {
        read(ids, done, startedOn, due);
        return ended.stream().allMatch(done::containsKey);
      });
    } catch (ConditionTimeoutException e) {
      // Some were lost: the figures say how many.
    }
    await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
    read(ids, done, startedOn, due);
    List<String> releasedBeating = beating.stream()
        .filter(key -> !unreachable.contains(key) && ids.containsKey(key)).sorted().toList();
    List<String> lateBeats = new ArrayList<>();
    List<String> falseReleases = new ArrayList<>();
    for (String key : releasedBeating) {
      String late = lateBeat(key, due.getOrDefault(key, 0L));
      if (late == null) {
        falseReleases.add(key);
      } else {
        lateBeats.add(late);
      }
    }
    return new Figures(started.get(), done.size(), beating.size(),
        ended.stream().filter(key -> !done.containsKey(key)).sorted().toList(),
        ids.entrySet().stream().filter(entry -> entry.getValue().size() > 1)
            .map(Map.Entry::getKey).sorted().toList(),
        falseReleases, lateBeats,
        done.values().stream().filter(count -> count > 1).count(),
        startedOn.values().stream().filter(on -> on.size() > 1).count(),
        unreachable.size());
  }

  /**
   * How the rules explain the release, with deadline {@code due}, of a session whose page beat
   * until the end; null when they do not. Explained: the page's last beat taken by a node at the
   * deadline or before it was answered live, and it and the page's next beat, taken after the
   * deadline, were further apart than the heartbeat timeout, or than 1.5 intervals with the node
   * of that last beat killed meanwhile; and the deadline was no earlier than that beat allowed.
   */
  private String lateBeat(String key, long due) {
    Beat last = null;
    Beat next = null;
    for (Beat beat : beats.getOrDefault(key, List.of())) {
      if (beat.receivedAt() > due) {
        next = beat;
        break;
      }
      last = beat;
    }
    // A beat taken before the deadline and answered RELEASED is a false release itself.
    if (last == null || next == null || !last.live()) {
      return null;
    }
    // Redis's clock and this JVM's are the same clock, read in whole milliseconds.
    long slack = 2;
    long after = due - last.receivedAt();
    long timeout = KilledNode.TIMEOUT.toMillis();
    Beat previous = last;
    boolean killed = kills.stream().anyMatch(kill -> kill[0] == previous.node()
        && kill[1] >= previous.receivedAt() && kill[1] <= due);
    boolean explained = after >= timeout - slack
        || (killed && after >= INTERVAL + INTERVAL / 2 - slack);
    if (!explained) {
      return null;
    }
    return String.format("%s: beat %d taken by node-%d at %d ms%s, deadline %d ms after it; "
            + "beat %d sent %d ms after that and taken %d ms after that", key, last.sequence(),
        last.node(), last.receivedAt() - startedAt, killed ? " (node killed since)" : "", after,
        next.sequence(), next.sentAt() - last.receivedAt(), next.receivedAt() - last.receivedAt());
  }

  /**
   * When the session's page sent its last beat (track, open or heartbeat) that a node answered,
   * epoch millis.
   */
  long lastBeat(String key) {
    return lastBeat.getOrDefault(key, 0L);
  }

  /** When the session's page got the answer to the beat of {@link #lastBeat}, epoch millis. */
  long lastAnswer(String key) {
    return lastAnswer.getOrDefault(key, 0L);
  }

  /** Milliseconds since the fleet started, the time base of {@link #history}. */
  long elapsed() {
    return System.currentTimeMillis() - startedAt;
  }

  /** What the sessions' pages sent and the nodes recorded and logged, for a failure message. */
  String history(List<String> keys) throws IOException {
    StringBuilder out = new StringBuilder("fleet started at ")
        .append(java.time.LocalTime.ofInstant(java.time.Instant.ofEpochMilli(startedAt),
            java.time.ZoneId.systemDefault()))
        .append('\n');
    for (int i = 0; i < nodes.length(); i++) {
      Path log = dir.resolve("node-" + i + ".log");
      if (Files.exists(log)) {
        for (String line : Files.readAllLines(log)) {
          out.append("node-").append(i).append(" log: ").append(line).append('\n');
        }
      }
    }
    for (String key : keys) {
      out.append(key).append(" sent: ").append(sent.getOrDefault(key, List.of())).append('\n');
      for (int i = 0; i < nodes.length(); i++) {
        Path file = dir.resolve("node-" + i + ".records");
        if (Files.exists(file)) {
          for (String line : Files.readAllLines(file)) {
            if (line.split(" ").length > 1 && line.split(" ")[1].equals(key)) {
              out.append("  ").append(line).append('\n');
            }
          }
        }
      }
    }
    return out.toString();
  }

  @Override
  public void close() {
    stopping = true;
    spawner.shutdownNow();
    pages.shutdownNow();
    for (int i = 0; i < nodes.length(); i++) {
      Node node = nodes.get(i);
      if (node != null) {
        node.process().destroyForcibly();
      }
    }
  }

  /** Reads every node's record file: release ids per session, completed runs, nodes that ran. */
  private void read(Map<String, Set<String>> ids, Map<String, Integer> done,
      Map<String, Set<String>> startedOn, Map<String, Long> due) throws IOException {
    ids.clear();
    done.clear();
    startedOn.clear();
    due.clear();
    for (int i = 0; i < nodes.length(); i++) {
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
        for (String part : parts) {
          if (part.startsWith("due=")) {
            due.merge(key, Long.parseLong(part.substring(4)), Math::min);
          }
        }
      }
    }
  }

  private Node start(int index) throws Exception {
    Path portFile = dir.resolve("node-" + index + "-" + System.nanoTime() + ".port");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(List.of(java, "-Xmx96m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
        "-cp", System.getProperty("java.class.path"), KilledNode.class.getName(),
        redis.get(index).toString(), prefix, "node-" + index,
        dir.resolve("node-" + index + ".records").toString(), portFile.toString(),
        partitionGrace.toString()))
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
    boolean reached = send(key, signal(key, "HEARTBEAT", seq));
    if (!reached && keeps) {
      unreachable.add(key);
    }
    pages.schedule(() -> beat(key, seq + 1, beatsLeft - 1, end), INTERVAL, TimeUnit.MILLISECONDS);
  }

  private static String signal(String key, String type, int seq) {
    return "/signal?type=" + type + "&session=" + key + "&page=p&seq=" + seq;
  }

  /**
   * Sends a page's request: under affinity to the session's own node only; else through the
   * balancer, to a random node, skipping one that does not answer.
   */
  private boolean send(String key, String path) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long deadline = System.currentTimeMillis() + 2_000;
    while (System.currentTimeMillis() < deadline) {
      int index = affinity
          ? Math.floorMod(key.hashCode(), nodes.length())
          : random.nextInt(nodes.length());
      Node node = nodes.get(index);
      long sentAt = System.currentTimeMillis();
      try {
        HttpResponse<String> response = http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                .timeout(Duration.ofMillis(1_500)).build(),
            HttpResponse.BodyHandlers.ofString());
        long at = System.currentTimeMillis();
        sent.computeIfAbsent(key, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
            .add((sentAt - startedAt) + "->" + (at - startedAt) + "ms node-" + index + " "
                + path.substring(1, path.indexOf('?'))
                + (path.contains("type=") ? " " + path.replaceAll(".*type=(\\w+).*seq=(\\d+).*", "$1 $2") : "")
                + " -> " + response.statusCode() + " " + response.body());
        if (response.statusCode() == 200) {
          if (!path.contains("EXIT") && !path.startsWith("/release")) {
            lastBeat.put(key, sentAt);
            lastAnswer.put(key, at);
          }
          if (path.startsWith("/signal") && !path.contains("EXIT") && beating.contains(key)) {
            String[] answer = response.body().split(" ");
            beats.computeIfAbsent(key, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(new Beat(Integer.parseInt(path.replaceAll(".*seq=(\\d+).*", "$1")), sentAt,
                    Long.parseLong(answer[1]), at, index, answer[0].equals("LIVE")));
          }
          return true;
        }
      } catch (IOException e) {
        // a killed node: try again (another one through the balancer)
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /** The Redis URI of each of {@code count} nodes. */
  static List<URI> same(URI redis, int count) {
    List<URI> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      all.add(redis);
    }
    return all;
  }
}
