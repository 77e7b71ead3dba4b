package dev.farewell.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Review probes: redisUri checks of the cluster and Sentinel forms. */
class RedisUriTest {

  /*
   * The old check named only the scheme in its message; the new messages print the whole URI,
   * password included, into exceptions that end up in startup logs.
   */
  @Test
  void aBadUriDoesNotPutItsPasswordInTheException() {
    assertThatThrownBy(() -> RedisSessionStore.newBuilder()
        .redisUri("redis-cluster://ada:s3cret@redis-1:notaport"))
        .isInstanceOf(IllegalArgumentException.class)
        .message().doesNotContain("s3cret");
    assertThatThrownBy(() -> RedisSessionStore.newBuilder()
        .redisUri("redis-clustr://ada:s3cret@redis-1:7000"))
        .isInstanceOf(IllegalArgumentException.class)
        .message().doesNotContain("s3cret");
  }

  /* An empty host between commas, or a port out of range, is accepted without a word. */
  @Test
  void anEmptyHostOrAPortOutOfRangeIsRefused() {
    assertThatThrownBy(() -> RedisSessionStore.newBuilder()
        .redisUri("redis-cluster://redis-1:7000,,redis-2:7001"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisSessionStore.newBuilder()
        .redisUri("redis-cluster://redis-1:70000"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
