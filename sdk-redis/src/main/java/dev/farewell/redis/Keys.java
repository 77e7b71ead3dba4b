package dev.farewell.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Where a session lives in Redis. Sessions are spread over a fixed number of shards by a CRC32 of
 * their key; every key of one shard carries the hash tag {@code {prefix:shard}}, so in Redis
 * Cluster one shard is one slot and every script touches one slot only. Every key a script touches
 * is passed to it in {@code KEYS}: the fixed keys of the shard, and the hash of each session it
 * works on.
 */
final class Keys {

  /** The keys of one shard. */
  record Shard(
      int index,
      String due,
      String claimed,
      String hold,
      String tombs,
      String epoch,
      String nodes,
      String gen,
      String tombMark,
      String tombReasons,
      String sessionPrefix) {

    String session(String sessionKey) {
      return sessionPrefix + sessionKey;
    }
  }

  private final List<Shard> shards;

  Keys(String prefix, int shardCount) {
    List<Shard> list = new ArrayList<>(shardCount);
    for (int i = 0; i < shardCount; i++) {
      String tag = "{" + prefix + ":" + i + "}";
      list.add(
          new Shard(
              i,
              tag + ":due",
              tag + ":claimed",
              tag + ":hold",
              tag + ":tombs",
              tag + ":epoch",
              tag + ":nodes",
              tag + ":gen",
              tag + ":tombmark",
              tag + ":tombr",
              tag + ":s:"));
    }
    this.shards = List.copyOf(list);
  }

  List<Shard> shards() {
    return shards;
  }

  Shard shardOf(String sessionKey) {
    if (shards.size() == 1) {
      return shards.get(0);
    }
    CRC32 crc = new CRC32();
    crc.update(sessionKey.getBytes(StandardCharsets.UTF_8));
    return shards.get((int) (crc.getValue() % shards.size()));
  }
}
