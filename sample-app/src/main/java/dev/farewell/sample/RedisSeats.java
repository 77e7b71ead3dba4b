package dev.farewell.sample;

import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Seats shared by every instance of a group, in one Redis hash (session id to user). A Lua script
 * takes a seat, so two instances cannot both take the last one.
 */
final class RedisSeats implements Seats {

  private static final String TAKE =
      "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 1 end\n"
          + "if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end\n"
          + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
          + "return 1";

  private final UnifiedJedis redis;
  private final String key;
  private final int capacity;

  RedisSeats(UnifiedJedis redis, String prefix, int capacity) {
    this.redis = redis;
    this.key = prefix + "seats";
    this.capacity = capacity;
  }

  @Override
  public boolean take(String sessionId, String user) {
    Object taken =
        redis.eval(TAKE, List.of(key), List.of(sessionId, user, Integer.toString(capacity)));
    return Long.valueOf(1).equals(taken);
  }

  @Override
  public boolean holds(String sessionId) {
    return redis.hexists(key, sessionId);
  }

  @Override
  public void free(String sessionId) {
    redis.hdel(key, sessionId);
  }

  @Override
  public int inUse() {
    return (int) redis.hlen(key);
  }

  @Override
  public int capacity() {
    return capacity;
  }
}
