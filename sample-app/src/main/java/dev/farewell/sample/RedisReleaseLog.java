package dev.farewell.sample;

import dev.farewell.ReleaseReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * The release log of a group of instances, in one Redis list. The instance that performs a
 * release appends it, so every instance shows each release once.
 */
final class RedisReleaseLog implements ReleaseLog {

  private final UnifiedJedis redis;
  private final String key;

  RedisReleaseLog(UnifiedJedis redis, String prefix) {
    this.redis = redis;
    this.key = prefix + "releases";
  }

  @Override
  public void append(ReleaseRecord r) {
    String line =
        String.join(
            "\t",
            r.sessionId(),
            r.reason().name(),
            Long.toString(r.lastSignalAt().toEpochMilli()),
            Long.toString(r.releasedAt().toEpochMilli()),
            r.user());
    redis.rpush(key, line);
    redis.ltrim(key, -LIMIT, -1);
  }

  @Override
  public List<ReleaseRecord> entries() {
    List<ReleaseRecord> records = new ArrayList<>();
    for (String line : redis.lrange(key, 0, -1)) {
      String[] f = line.split("\t", 5);
      if (f.length == 5) {
        records.add(
            new ReleaseRecord(
                f[0],
                f[4],
                ReleaseReason.valueOf(f[1]),
                Instant.ofEpochMilli(Long.parseLong(f[2])),
                Instant.ofEpochMilli(Long.parseLong(f[3]))));
      }
    }
    return records;
  }
}
