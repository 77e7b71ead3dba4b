package dev.farewell.redis;

import static dev.farewell.SignalType.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.farewell.Farewell;
import dev.farewell.Signal;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.RedisClient;

/** The builder's connection settings: their checks, and that they reach the client it opens. */
class ConnectionSettingsTest {

  @Test
  void aPoolSmallerThanTheStoreUsesAtOnceIsRefusedSayingWhy() {
    assertThatThrownBy(() -> RedisSessionStore.newBuilder().maximumConnections(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumConnections must be >= 4 (2 signal batches in flight, the sweeper and "
            + "the lease renewals), was 3");
    RedisSessionStore.newBuilder().maximumConnections(4);
  }

  @Test
  void timeoutsMustBeAtLeastAMillisecondAndFitJedis() {
    assertThatThrownBy(() -> RedisSessionStore.newBuilder().readTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("readTimeout must be > 0, was PT0S");
    assertThatThrownBy(() -> RedisSessionStore.newBuilder().poolTimeout(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("poolTimeout must be > 0, was PT-0.005S");
    // Jedis takes whole milliseconds, and 0 as "no timeout".
    assertThatThrownBy(() -> RedisSessionStore.newBuilder().connectTimeout(Duration.ofNanos(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connectTimeout must be >= 1ms, was PT0.0000005S");
    assertThatThrownBy(() -> RedisSessionStore.newBuilder().readTimeout(Duration.ofDays(30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("readTimeout must be <= PT596H31M23.647S, was PT720H");
    assertThatThrownBy(() -> RedisSessionStore.newBuilder().readTimeout(null))
        .isInstanceOf(NullPointerException.class).hasMessage("readTimeout");
    assertThatThrownBy(() -> RedisSessionStore.newBuilder().readTimeout(Duration.ofSeconds(1))
        .readTimeout(Duration.ofSeconds(2))).hasMessage("readTimeout was already set");
  }

  @Test
  void connectionSettingsWithAClientOfTheApplicationAreRefused() {
    try (RedisClient own = RedisClient.create(URI.create("redis://127.0.0.1:6379"))) {
      assertThatThrownBy(() -> RedisSessionStore.newBuilder().client(own)
          .poolTimeout(Duration.ofSeconds(1)).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("poolTimeout configures the connections the store opens from redisUri; set "
              + "it on the client given instead");
    }
  }

  @Test
  void thePoolSettingsReachTheClientTheStoreOpens() {
    RedisSessionStore defaults = RedisSessionStore.newBuilder()
        .redisUri("redis://127.0.0.1:6379").build();
    RedisSessionStore set = RedisSessionStore.newBuilder().redisUri("redis://127.0.0.1:6379")
        .maximumConnections(9).poolTimeout(Duration.ofMillis(250)).build();
    try {
      var pool = ((RedisClient) defaults.client).getPool();
      assertThat(pool.getMaxTotal()).isEqualTo(16);
      assertThat(pool.getMaxIdle()).isEqualTo(16);
      assertThat(pool.getMaxWaitDuration()).isEqualTo(Duration.ofMillis(500));
      assertThat(pool.getBlockWhenExhausted()).isTrue();
      var other = ((RedisClient) set.client).getPool();
      assertThat(other.getMaxTotal()).isEqualTo(9);
      assertThat(other.getMaxWaitDuration()).isEqualTo(Duration.ofMillis(250));
      assertThat(other).isInstanceOf(ConnectionPool.class);
    } finally {
      defaults.client.close();
      set.client.close();
    }
  }

  /** The documented form {@code redis://host} without a port failed in Jedis ("Invalid URI"). */
  @Test
  void aRedisUriWithoutAPortMeans6379() {
    URI found = TestRedis.uri();
    org.junit.jupiter.api.Assumptions.assumeTrue(found.getPort() == 6379,
        "needs a Redis at port 6379");
    try (Farewell farewell = Farewell.newBuilder().store(RedisSessionStore.newBuilder()
        .redisUri("redis://" + found.getHost()).keyPrefix(TestRedis.uniquePrefix()).build())
        .build()) {
      farewell.signal(Signal.of(OPEN, "s", "p", 1));
      assertThat(farewell.session("s")).isPresent();
    }
  }

  @Test
  void aRedisUriWithoutAHostIsRefused() {
    assertThatThrownBy(() -> RedisSessionStore.newBuilder().redisUri("redis:///0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("redisUri names no host: redis:///0");
  }
}
