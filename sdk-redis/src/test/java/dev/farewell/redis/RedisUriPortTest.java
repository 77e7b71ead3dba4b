package dev.farewell.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * redisUri is checked when given ("redisUri has a bad host:port" for redis-cluster:// and
 * redis-sentinel://), but a redis:// or rediss:// URI with a port Redis cannot have, or an empty
 * one, is taken: the store builds and then meets an outage at every call, for ever.
 */
class RedisUriPortTest {

  @ParameterizedTest
  @ValueSource(strings = {"redis://127.0.0.1:0", "redis://127.0.0.1:70000",
      "rediss://127.0.0.1:0", "redis://127.0.0.1:"})
  void aServerUriWithABadPortIsRefusedWhenGiven(String uri) {
    assertThatThrownBy(() -> RedisSessionStore.newBuilder().redisUri(uri).build().client.close())
        .as("redisUri(%s)", uri)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redisUri");
  }
}
