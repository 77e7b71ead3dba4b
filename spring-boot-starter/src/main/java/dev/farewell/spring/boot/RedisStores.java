package dev.farewell.spring.boot;

import dev.farewell.redis.RedisSessionStore;
import dev.farewell.spi.SessionStore;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Builds the Redis store from {@code farewell.store.redis.*}. Its own class, loaded only when
 * farewell-redis is on the class path.
 */
final class RedisStores {

  static final String STORE_CLASS = "dev.farewell.redis.RedisSessionStore";
  private static final String PREFIX = "farewell.store.redis.";
  /** The builder's settings that a property sets, by name. */
  private static final Pattern SETTING = Pattern.compile("\\b(redisUri|keyPrefix|shards"
      + "|sweepInterval|claimLease|recoveryGrace|coalesceHeartbeats|maximumLocalSessions"
      + "|maximumConnections|poolTimeout|connectTimeout|readTimeout)\\b");

  private RedisStores() {}

  /**
   * Builds the store, turning the builder's complaint about a setting into one about its property:
   * "readTimeout must be > 0" becomes "farewell.store.redis.read-timeout must be > 0".
   *
   * @throws IllegalStateException naming the property whose value the builder refused
   */
  static SessionStore create(FarewellProperties.Redis p) {
    return EngineSettings.checked(PREFIX, SETTING, Map.of("redisUri", "uri"), () -> build(p));
  }

  private static SessionStore build(FarewellProperties.Redis p) {
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
