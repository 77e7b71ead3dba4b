package dev.farewell.redis;

import static dev.farewell.SignalType.HEARTBEAT;
import static dev.farewell.SignalType.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.Signal;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A Sentinel failover (SENTINEL FAILOVER, the planned kind) seen by a store built from a
 * {@code redis-sentinel://} URI: its calls must take the outage path or succeed, never throw into
 * the application, and the store must reach the promoted primary.
 */
class SentinelSwitchTest {

  private final List<AutoCloseable> closing = new ArrayList<>();
  private Process sentinel;
  private Path dir;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    if (sentinel != null) {
      sentinel.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * Under load (more callers than connections, so some wait for one), the switch to the promoted
   * replica closes the old pool: Jedis interrupts the callers waiting on it, and a caller that
   * read the old pool finds it closed. Those errors are not outages for {@code Outages}
   * (JedisException caused by InterruptedException or IllegalStateException "Pool not open"),
   * so {@code track()} and {@code signal()} throw them into the request.
   */
  @Test
  void aPlannedFailoverUnderLoadThrowsNothingIntoTheApplication() throws Exception {
    int[] ports = rig();
    int sentinelPort = ports[2];
    RedisSessionStore store = RedisSessionStore.newBuilder()
        .redisUri("redis-sentinel://127.0.0.1:" + sentinelPort + "/shop")
        .keyPrefix(TestRedis.uniquePrefix()).recoveryGrace(Duration.ofSeconds(1))
        .maximumConnections(4).build();
    Farewell farewell = node(store);

    List<Throwable> thrown = new CopyOnWriteArrayList<>();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong calls = new AtomicLong();
    int threads = 24;
    ExecutorService load = Executors.newFixedThreadPool(threads);
    closing.add(load::shutdownNow);
    for (int t = 0; t < threads; t++) {
      int thread = t;
      load.submit(() -> {
        for (long n = 0; running.get(); n++) {
          try {
            if (n % 2 == 0) {
              farewell.track("t" + thread + "-" + n, Map.of());
            } else {
              farewell.signal(Signal.of(OPEN, "s" + thread + "-" + n, "p", 1));
            }
            calls.incrementAndGet();
          } catch (RuntimeException e) {
            thrown.add(e);
          }
        }
      });
    }
    Thread.sleep(1_000);
    try (Jedis control = new Jedis("127.0.0.1", sentinelPort)) {
      control.sentinelFailover("shop");
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> primaryPort(sentinelPort) == ports[1]);
    Thread.sleep(3_000);
    running.set(false);
    load.shutdown();
    load.awaitTermination(20, TimeUnit.SECONDS);

    System.out.printf("sentinel failover under load: %d calls, %d thrown: %s%n", calls.get(),
        thrown.size(), thrown.stream().limit(5).map(SentinelSwitchTest::describe).toList());
    assertThat(calls.get()).as("calls made").isPositive();
    assertThat(thrown).as("errors thrown into the application by track()/signal()")
        .extracting(SentinelSwitchTest::describe).isEmpty();
  }

  /**
   * The store learns of a failover only from the Sentinels' +switch-master message on the
   * subscription each Jedis SentinelListener holds, with no read timeout. When that connection
   * is silently gone (a NAT or load balancer that drops idle connections without a reset, a
   * network partition that heals), the announcement never arrives: the store keeps the old
   * primary, which the Sentinels turn into a replica, and stays in its outage for ever (READONLY)
   * although the promoted primary serves.
   */
  @Test
  void theStoreReachesThePromotedPrimaryWhenItsSentinelSubscriptionWentSilent()
      throws Exception {
    int[] ports = rig();
    RedisProxy toSentinel = new RedisProxy(URI.create("redis://127.0.0.1:" + ports[2]));
    closing.add(toSentinel);
    String prefix = TestRedis.uniquePrefix();
    RedisSessionStore store = RedisSessionStore.newBuilder()
        .redisUri("redis-sentinel://127.0.0.1:" + toSentinel.uri().getPort() + "/shop")
        .keyPrefix(prefix).recoveryGrace(Duration.ofSeconds(1)).build();
    Farewell farewell = node(store);
    farewell.signal(Signal.of(OPEN, "before", "p", 1));
    // The listener subscribed to +switch-master through the proxy.
    await().atMost(Duration.ofSeconds(10)).until(() -> subscribers(ports[2]) > 0);
    // The subscription goes silent, as a dropped idle connection. Only the connections open now:
    // a proxy that held every reply would cut the store off from the Sentinel altogether, and
    // then no client could learn where the primary went.
    toSentinel.silenceOpenConnections();

    try (Jedis control = new Jedis("127.0.0.1", ports[2])) {
      control.sentinelFailover("shop");
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> primaryPort(ports[2]) == ports[1]);

    long sequence = 1;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    boolean reached = false;
    while (!reached && System.nanoTime() < until) {
      farewell.signal(Signal.of(HEARTBEAT, "before", "p", ++sequence));
      farewell.signal(Signal.of(OPEN, "after" + sequence, "p", 1));
      Thread.sleep(500);
      try (Jedis promoted = new Jedis("127.0.0.1", ports[1])) {
        reached = store.health().redisUp()
            && promoted.exists("{" + prefix + ":0}:s:after" + sequence);
      }
    }
    System.out.printf("sentinel subscription silent: store up %s, old primary role %s%n",
        store.health().redisUp(), role(ports[0]));
    assertThat(reached).as("within 30 s of the failover the store writes to the promoted "
        + "primary (up: %s, old primary now %s)", store.health().redisUp(), role(ports[0]))
        .isTrue();
  }

  /** Starts a primary, its replica and one Sentinel (quorum 1); returns their ports. */
  private int[] rig() throws Exception {
    TestRedis.uri();
    RedisServer primary;
    try {
      primary = RedisServer.start();
    } catch (IOException e) {
      TestRedis.skipOrFail("redis-server could not be started: " + e);
      throw e;
    }
    closing.add(primary);
    RedisServer replica =
        RedisServer.start("--replicaof", "127.0.0.1", Integer.toString(primary.port()));
    closing.add(replica);
    dir = Files.createTempDirectory("redis-sentinel");
    int sentinelPort = TestRedis.freePort();
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(conf, String.join("\n", "port " + sentinelPort, "bind 127.0.0.1",
        "protected-mode no", "sentinel monitor shop 127.0.0.1 " + primary.port() + " 1",
        "sentinel down-after-milliseconds shop 5000", "sentinel failover-timeout shop 10000",
        ""));
    sentinel = new ProcessBuilder("redis-server", conf.toString(), "--sentinel")
        .redirectErrorStream(true).redirectOutput(dir.resolve("s.log").toFile()).start();
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
      try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
        return r.info("replication").contains("master_link_status:up");
      }
    });
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
      try (Jedis s = new Jedis("127.0.0.1", sentinelPort)) {
        return s.info("sentinel").contains("slaves=1");
      }
    });
    return new int[] {primary.port(), replica.port(), sentinelPort};
  }

  private Farewell node(RedisSessionStore store) {
    Farewell farewell = Farewell.newBuilder()
        .heartbeatInterval(Duration.ofSeconds(1)).heartbeatTimeout(Duration.ofSeconds(4))
        .onRelease(release -> { })
        .store(store).build();
    closing.add(farewell);
    return farewell;
  }

  private static int primaryPort(int sentinelPort) {
    try (Jedis s = new Jedis("127.0.0.1", sentinelPort)) {
      return Integer.parseInt(s.sentinelGetMasterAddrByName("shop").get(1));
    }
  }

  private static int subscribers(int sentinelPort) {
    try (Jedis s = new Jedis("127.0.0.1", sentinelPort)) {
      int count = 0;
      for (String line : s.clientList().split("\n")) {
        if (line.contains("cmd=subscribe")) {
          count++;
        }
      }
      return count;
    }
  }

  private static String role(int port) {
    try (Jedis r = new Jedis("127.0.0.1", port)) {
      return r.info("replication").lines().filter(l -> l.startsWith("role:")).findFirst()
          .orElse("?").trim();
    } catch (RuntimeException e) {
      return e.toString();
    }
  }

  private static String describe(Throwable e) {
    StringBuilder text = new StringBuilder(e.toString());
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      text.append(" <- ").append(c);
    }
    return text.toString();
  }
}
