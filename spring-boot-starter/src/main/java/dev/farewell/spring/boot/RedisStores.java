package dev.farewell.spring.boot;

import dev.farewell.redis.RedisSessionStore;
import dev.farewell.spi.SessionStore;
import java.util.function.Consumer;

/**
 * Builds the Redis store from {@code farewell.store.redis.*}. Its own class, loaded only when
 * farewell-redis is on the class path.
 */
final class RedisStores {

  static final String STORE_CLASS = "dev.farewell.redis.RedisSessionStore";

  private RedisStores() {}

  static SessionStore create(FarewellProperties.Redis p) {
    RedisSessionStore.Builder b = RedisSessionStore.newBuilder().redisUri(p.getUri());
    set(p.getKeyPrefix(), b::keyPrefix);
    set(p.getShards(), b::shards);
    set(p.getSweepInterval(), b::sweepInterval);
    set(p.getClaimLease(), b::claimLease);
    set(p.getRecoveryGrace(), b::recoveryGrace);
    set(p.getCoalesceHeartbeats(), b::coalesceHeartbeats);
    set(p.getMaximumLocalSessions(), b::maximumLocalSessions);
    set(p.getMaximumConnections(), b::maximumConnections);
    set(p.getPoolTimeout(), b::poolTimeout);
    set(p.getConnectTimeout(), b::connectTimeout);
    set(p.getReadTimeout(), b::readTimeout);
    return b.build();
  }

  private static <T> void set(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }
}
