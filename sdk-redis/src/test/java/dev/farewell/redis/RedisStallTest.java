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
import dev.farewell.SignalResult.Status;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;

/**
 * A Redis of the test's own that stalls ({@code CLIENT PAUSE}, {@code DEBUG SLEEP}) longer than the
 * store's timeouts, or accepts no connection: each caller returns within the timeouts, answered
 * from the node's memory (the outage path), and what it said is written once Redis serves again:
 * every session is released exactly once, none whose page beats.
 */
class RedisStallTest {

  /** What a loaded machine may add to a timeout before the caller has its answer. */
  static final Duration MARGIN = Duration.ofMillis(600);

  private final Map<String, List<Release>> releases = new ConcurrentHashMap<>();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  @Test
  void aSignalDuringAPauseLongerThanTheReadTimeoutIsAnsweredFromMemoryWithinIt() throws Exception {
    RedisServer server = server();
    Duration readTimeout = Duration.ofMillis(300);
    RedisSessionStore store = store(server, b -> b.readTimeout(readTimeout));
    Farewell farewell = node(store);
    farewell.signal(Signal.of(OPEN, "exiting", "p", 1));
    startBeating(farewell);

    pause(server, Duration.ofMillis(2_500), ClientPauseMode.ALL);
    long took = millis(() -> assertThat(farewell.signal(Signal.of(EXIT, "exiting", "p", 2))
        .status()).isEqualTo(Status.EXITING));

    System.out.printf("paused, read timeout %s: exit answered in %d ms%n", readTimeout, took);
    assertThat(took).as("ms to answer the exit").isLessThan(bound(readTimeout));
    assertThat(store.health().redisUp()).as("the outage path was taken").isFalse();
    awaitRelease("exiting");
    assertReleasedOnce("exiting", ReleaseReason.EXIT);
    assertThat(releases).doesNotContainKey("beating");
  }

  /** Jedis's own timeouts are 2 s; the store's default read timeout is 1 s. */
  @Test
  void theDefaultReadTimeoutBoundsACallToARedisInDebugSleep() throws Exception {
    RedisServer server = server("--enable-debug-command", "local");
    RedisSessionStore store = store(server, UnaryOperator.identity());
    Farewell farewell = node(store);
    farewell.signal(Signal.of(OPEN, "exiting", "p", 1));
    startBeating(farewell);

    Thread sleeper = new Thread(() -> {
      try (Jedis control = new Jedis("127.0.0.1", server.port(), 10_000)) {
        control.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "SLEEP", "3");
      }
    });
    sleeper.start();
    pass(Duration.ofMillis(200)); // DEBUG SLEEP under way
    long took = millis(() -> farewell.signal(Signal.of(EXIT, "exiting", "p", 2)));

    System.out.printf("DEBUG SLEEP, defaults: exit answered in %d ms%n", took);
    assertThat(took).as("ms to answer the exit").isLessThan(bound(Duration.ofSeconds(1)));
    assertThat(store.health().redisUp()).isFalse();
    sleeper.join();
    awaitRelease("exiting");
    assertReleasedOnce("exiting", ReleaseReason.EXIT);
    assertThat(releases).doesNotContainKey("beating");
  }

  /**
   * Concurrent signals queue behind the batches in flight; when those time out, the queued ones
   * take the outage path with them instead of going out as the next batch and timing out again.
   */
  @Test
  void signalsQueuedBehindAStalledBatchReturnWithinOneReadTimeout() throws Exception {
    RedisServer server = server();
    Duration readTimeout = Duration.ofSeconds(1);
    RedisSessionStore store = store(server, b -> b.readTimeout(readTimeout));
    Farewell farewell = node(store);
    int callers = 48;

    pause(server, Duration.ofMillis(3_000), ClientPauseMode.ALL);
    List<Long> took = concurrently(callers, i -> millis(() -> assertThat(
        farewell.signal(Signal.of(OPEN, "s" + i, "p", 1)).status()).isEqualTo(Status.LIVE)));

    System.out.printf("paused, read timeout %s: %d concurrent signals answered in %s ms%n",
        readTimeout, callers, took.stream().sorted().toList());
    assertThat(took).as("ms each caller waited").allSatisfy(
        ms -> assertThat(ms).isLessThan(bound(readTimeout)));
    await().atMost(Duration.ofSeconds(10)).until(() -> store.health().redisUp());
    for (int i = 0; i < callers; i++) {
      farewell.signal(Signal.of(EXIT, "s" + i, "p", 2));
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> releases.size() == callers);
    pass(Duration.ofSeconds(1));
    for (int i = 0; i < callers; i++) {
      assertReleasedOnce("s" + i, ReleaseReason.EXIT);
    }
  }

  /**
   * More callers than connections while Redis stalls: those that find every connection busy wait
   * the pool timeout, not the read timeout of the calls ahead of them (nor for ever, Jedis's
   * default), take the outage path, and the store opens no more connections than it may.
   */
  @Test
  void callsFindingEveryConnectionBusyWaitAtMostThePoolTimeout() throws Exception {
    RedisServer server = server();
    Duration poolTimeout = Duration.ofMillis(200);
    Duration readTimeout = Duration.ofMillis(1_500);
    int maximum = RedisSessionStore.Builder.MINIMUM_CONNECTIONS;
    RedisSessionStore store = store(server, b -> b.maximumConnections(maximum)
        .poolTimeout(poolTimeout).readTimeout(readTimeout));
    Farewell farewell = node(store);
    int callers = 12;

    try (Jedis control = new Jedis("127.0.0.1", server.port())) {
      // WRITE: scripts wait, INFO still answers.
      control.clientPause(3_000, ClientPauseMode.WRITE);
      ExecutorService sampler = Executors.newSingleThreadExecutor();
      Future<Integer> mostConnected = sampler.submit(() -> {
        int most = 0;
        long until = System.nanoTime() + 1_200_000_000L;
        while (System.nanoTime() < until) {
          most = Math.max(most, connectedClients(control) - 1);
          Thread.sleep(20);
        }
        return most;
      });
      List<Long> took = concurrently(callers, i -> millis(() -> assertThat(
          farewell.track("t" + i, Map.of("n", "" + i))).isEqualTo(SignalResult.live(true))));

      System.out.printf("paused, pool of %d, pool timeout %s: %d concurrent tracks answered in "
          + "%s ms%n", maximum, poolTimeout, callers, took.stream().sorted().toList());
      assertThat(took).as("ms each caller waited").allSatisfy(
          ms -> assertThat(ms).isLessThan(bound(readTimeout)));
      assertThat(took.stream().filter(ms -> ms < bound(poolTimeout)).count())
          .as("callers that found no free connection and waited the pool timeout only: %s", took)
          .isGreaterThanOrEqualTo(callers - maximum);
      assertThat(mostConnected.get()).as("connections the store opened").isBetween(1, maximum);
      sampler.shutdown();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> store.health().redisUp()
        && store.health().keptTracks() == 0);
    for (int i = 0; i < callers; i++) {
      assertThat(farewell.release("t" + i)).as("t" + i + " was tracked").isTrue();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> releases.size() == callers);
    pass(Duration.ofSeconds(1));
    for (int i = 0; i < callers; i++) {
      assertReleasedOnce("t" + i, ReleaseReason.EXPLICIT);
      assertThat(releases.get("t" + i).get(0).attributes()).containsEntry("n", "" + i);
    }
  }

  /**
   * A Redis whose accept queue is full (a real listening socket that accepts nothing: the kernel
   * drops further connection requests) holds a new connection until the connect timeout.
   */
  @Test
  void aRedisThatAcceptsNoConnectionFailsACallWithinTheConnectTimeout() throws Exception {
    TestRedis.uri();
    ServerSocket deaf = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    closing.add(deaf);
    fillAcceptQueue(deaf.getLocalPort());
    Duration connectTimeout = Duration.ofMillis(300);
    RedisSessionStore store = RedisSessionStore.newBuilder()
        .redisUri("redis://127.0.0.1:" + deaf.getLocalPort()).keyPrefix(TestRedis.uniquePrefix())
        .connectTimeout(connectTimeout).readTimeout(Duration.ofSeconds(10))
        .closeTimeout(Duration.ofSeconds(1)).build();
    Farewell farewell = node(store);

    long took = millis(() -> assertThat(farewell.signal(Signal.of(OPEN, "s", "p", 1)).status())
        .isEqualTo(Status.LIVE));

    System.out.printf("accept queue full, connect timeout %s: signal answered in %d ms%n",
        connectTimeout, took);
    assertThat(took).as("ms to answer the signal").isLessThan(bound(connectTimeout));
    assertThat(store.health().redisUp()).isFalse();
  }

  /** Opens connections to {@code port} until one is not accepted within 200 ms. */
  static void fillAcceptQueue(int port) throws IOException {
    for (int i = 0; i < 8; i++) {
      Socket socket = new Socket();
      try {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      } catch (SocketTimeoutException e) {
        socket.close();
        return;
      }
    }
    throw new IllegalStateException("the kernel accepted every connection: cannot test this");
  }

  static long bound(Duration timeout) {
    return timeout.plus(MARGIN).toMillis();
  }

  static long millis(Runnable call) {
    long start = System.nanoTime();
    call.run();
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** Runs {@code call} for 0 to {@code count - 1}, all at once; returns their results in order. */
  static <T> List<T> concurrently(int count, java.util.function.IntFunction<T> call)
      throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(count);
    try {
      CountDownLatch ready = new CountDownLatch(count);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int index = i;
        futures.add(threads.submit(() -> {
          ready.countDown();
          go.await();
          return call.apply(index);
        }));
      }
      ready.await();
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get());
      }
      return results;
    } finally {
      threads.shutdownNow();
    }
  }

  private RedisServer server(String... settings) throws IOException {
    TestRedis.uri(); // skips (or fails) the same way when Redis is missing
    RedisServer server;
    try {
      server = RedisServer.start(settings);
    } catch (IOException e) {
      TestRedis.skipOrFail("redis-server could not be started: " + e);
      throw e;
    }
    closing.add(server);
    return server;
  }

  private RedisSessionStore store(RedisServer server,
      UnaryOperator<RedisSessionStore.Builder> settings) {
    return settings.apply(RedisSessionStore.newBuilder().redisUri(server.uri())
        .keyPrefix(TestRedis.uniquePrefix()).recoveryGrace(Duration.ofSeconds(1))).build();
  }

  Farewell node(RedisSessionStore store) {
    Farewell farewell = Farewell.newBuilder()
        .heartbeatInterval(Duration.ofSeconds(1)).heartbeatTimeout(Duration.ofSeconds(4))
        .exitGrace(Duration.ofMillis(500))
        .onRelease(release -> releases.computeIfAbsent(release.sessionKey(),
            k -> new CopyOnWriteArrayList<>()).add(release))
        .store(store).build();
    closing.add(farewell);
    return farewell;
  }

  /** Pauses the clients of {@code server} from another connection; returns at once. */
  static void pause(RedisServer server, Duration duration, ClientPauseMode mode) {
    try (Jedis control = new Jedis("127.0.0.1", server.port())) {
      control.clientPause(duration.toMillis(), mode);
    }
  }

  private static int connectedClients(Jedis control) {
    for (String line : control.info("clients").split("\r?\n")) {
      if (line.startsWith("connected_clients:")) {
        return Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    throw new IllegalStateException("INFO clients has no connected_clients");
  }

  /** Opens the page of "beating" and beats it every second, on a thread of its own, as a page. */
  private void startBeating(Farewell farewell) {
    farewell.signal(Signal.of(OPEN, "beating", "p", 1));
    AtomicLong sequence = new AtomicLong(1);
    ScheduledExecutorService page = Executors.newSingleThreadScheduledExecutor();
    closing.add(page::shutdownNow);
    page.scheduleAtFixedRate(() -> farewell.signal(
        Signal.of(HEARTBEAT, "beating", "p", sequence.incrementAndGet())), 1, 1, TimeUnit.SECONDS);
  }

  /** Waits until {@code key} is released, then 2 s more for a second release to show itself. */
  private void awaitRelease(String key) {
    await().atMost(Duration.ofSeconds(15)).until(() -> releases.containsKey(key));
    pass(Duration.ofSeconds(2));
  }

  private void assertReleasedOnce(String key, ReleaseReason reason) {
    assertThat(releases.get(key)).as("releases of " + key).hasSize(1);
    assertThat(releases.get(key).get(0).reason()).isEqualTo(reason);
  }

  static void pass(Duration duration) {
    await().pollDelay(duration).atMost(duration.plusSeconds(5)).until(() -> true);
  }
}
