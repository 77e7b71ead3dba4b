package dev.farewell.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Signal;
import dev.farewell.SignalType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The signal script applies a batch of signals as if each ran alone. Random histories of signals
 * (several sessions and pages, stale sequence numbers, hidden and navigation marks, ages, forced
 * writes, generations that say Redis went back in time) meet random shard states (claimed
 * sessions, sessions tracked again, tombstones, the tombstone watermark, a hold, a missing node,
 * a corrupt session hash, the session limit and the page limit); each batch is sent as one call
 * under one key prefix and signal by signal under another, at the same instant of a fake clock.
 * Every answer and the whole state of the shard after it must be the same, except the values of
 * the write counter, which counts calls. A failing history prints its seed ({@code
 * -Dfarewell.batch.seed=...}) and its steps.
 */
class SignalScriptBatchTest {

  private static final String[] SESSIONS = {"s0", "s1", "s2", "s3"};
  private static final String[] PAGES = {"a", "b", "c"};
  private static final SignalType[] TYPES = SignalType.values();
  /** Small limits, so that FULL answers and page pruning happen; long holds (real-time PX). */
  private static final List<String> SETTINGS =
      List.of("15000", "40000", "3000", "10000", "2", "3", "3600000", "30000");

  private final RedisClient redis = RedisClient.create(TestRedis.uri());
  private final Side batched = new Side(TestRedis.uniquePrefix());
  private final Side alone = new Side(TestRedis.uniquePrefix());
  private long now = System.currentTimeMillis();

  /** One key prefix and what writes to it. */
  private final class Side {
    final String tag;
    final Keys.Shard shard;
    final SignalBatcher batcher;

    Side(String prefix) {
      this.tag = "{" + prefix + ":0}";
      Keys keys = new Keys(prefix, 1);
      this.shard = keys.shards().get(0);
      this.batcher = new SignalBatcher(redis, keys, SETTINGS);
    }

    long generation(String sessionKey) {
      String type = redis.type(shard.session(sessionKey));
      String g = type.equals("hash") ? redis.hget(shard.session(sessionKey), "g") : null;
      return g == null ? 0 : Long.parseLong(g);
    }

    /** The shard's state, without the write counter's values. */
    Map<String, Object> state() {
      Map<String, Object> state = new LinkedHashMap<>();
      for (String key : SESSIONS) {
        String session = shard.session(key);
        String type = redis.type(session);
        if (type.equals("hash")) {
          Map<String, String> fields = new HashMap<>(redis.hgetAll(session));
          fields.remove("g");
          state.put(key, fields);
        } else {
          state.put(key, type);
        }
      }
      state.put("due", redis.zrangeWithScores(shard.due(), 0, -1));
      state.put("claimed", redis.zrangeWithScores(shard.claimed(), 0, -1));
      state.put("tombstones", redis.hgetAll(shard.tombReasons()));
      state.put("mark", String.valueOf(redis.get(shard.tombMark())));
      state.put("hold", String.valueOf(redis.get(shard.hold())));
      state.put("nodes", redis.zrangeWithScores(shard.nodes(), 0, -1));
      return state;
    }

    void delete() {
      for (String key : SESSIONS) {
        redis.del(shard.session(key));
      }
      redis.del(shard.due(), shard.claimed(), shard.tombReasons(), shard.tombMark(), shard.hold(),
          shard.nodes(), shard.gen(), tag + ":clock");
    }
  }

  @AfterEach
  void close() {
    batched.delete();
    alone.delete();
    redis.close();
  }

  @Test
  void aBatchAnswersAndWritesWhatItsSignalsWouldAlone() {
    long seed = Long.getLong("farewell.batch.seed", System.nanoTime());
    int histories = Integer.getInteger("farewell.batch.histories", 60);
    SplittableRandom random = new SplittableRandom(seed);
    int signals = 0;
    for (int history = 0; history < histories; history++) {
      batched.delete();
      alone.delete();
      Map<String, Long> sequences = new HashMap<>();
      List<String> steps = new ArrayList<>();
      for (int step = 0; step < 30; step++) {
        String described = random.nextInt(10) < 6
            ? signalBatch(random, sequences)
            : changeShard(random);
        steps.add(described);
        assertThat(alone.state()).as("state after %s (seed %d), steps:%n%s", described, seed,
            String.join("\n", steps)).isEqualTo(batched.state());
        if (described.startsWith("batch")) {
          signals += described.split(";").length;
        }
      }
    }
    System.out.printf("SignalScriptBatchTest: %d histories, %d signals (seed %d)%n", histories,
        signals, seed);
  }

  /** Sends a random batch both ways; checks the answers; returns what it sent. */
  private String signalBatch(SplittableRandom random, Map<String, Long> sequences) {
    publishClock();
    int size = 1 + random.nextInt(12);
    List<SignalBatcher.Write> batchedWrites = new ArrayList<>();
    List<SignalBatcher.Write> aloneWrites = new ArrayList<>();
    StringBuilder described = new StringBuilder("batch");
    for (int i = 0; i < size; i++) {
      String key = SESSIONS[random.nextInt(SESSIONS.length)];
      String page = PAGES[random.nextInt(PAGES.length)];
      long newest = sequences.getOrDefault(key + "/" + page, 0L);
      long sequence = Math.max(0, newest + random.nextInt(-2, 4));
      sequences.put(key + "/" + page, Math.max(newest, sequence));
      SignalType type = TYPES[random.nextInt(TYPES.length)];
      Signal signal = new Signal(type, key, page, sequence, random.nextBoolean(),
          type == SignalType.EXIT && random.nextBoolean());
      long age = random.nextInt(4) == 0 ? random.nextLong(5_000) : 0;
      boolean force = random.nextInt(10) == 0;
      // Now and then the node knows a newer generation than Redis has: Redis went back in time.
      boolean rolledBack = random.nextInt(10) == 0;
      batchedWrites.add(new SignalBatcher.Write(signal, age, force,
          rolledBack ? batched.generation(key) + 1 : 0));
      aloneWrites.add(new SignalBatcher.Write(signal, age, force,
          rolledBack ? alone.generation(key) + 1 : 0));
      described.append(' ').append(type).append(' ').append(key).append('/').append(page)
          .append(" seq ").append(sequence).append(signal.hidden() ? " hidden" : "")
          .append(signal.navigation() ? " nav" : "").append(age > 0 ? " age " + age : "")
          .append(force ? " force" : "").append(rolledBack ? " rolledBack" : "").append(';');
    }
    Object[] together = batched.batcher.send(batchedWrites);
    List<String> expected = new ArrayList<>();
    List<String> actual = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      expected.add(describe(alone.batcher.send(List.of(aloneWrites.get(i)))[0]));
      actual.add(describe(together[i]));
    }
    assertThat(actual).as("answers to %s", described).isEqualTo(expected);
    return described.toString();
  }

  /** An answer without the write counter's value (only whether the session has one). */
  private static String describe(Object answer) {
    if (answer instanceof RuntimeException error) {
      return error.getClass().getSimpleName() + ": " + error.getMessage();
    }
    List<?> parts = (List<?>) answer;
    return Scripts.text(parts.get(0)) + " accepted=" + Scripts.number(parts.get(1)) + " reason="
        + Scripts.text(parts.get(2)) + " generation>0=" + (Scripts.number(parts.get(3)) > 0)
        + " rolledBack=" + Scripts.number(parts.get(4));
  }

  /** Changes both shards the same way, as other nodes, claims or time would; returns what. */
  private String changeShard(SplittableRandom random) {
    String key = SESSIONS[random.nextInt(SESSIONS.length)];
    int change = random.nextInt(12);
    long mark = now + random.nextLong(1, 3) * 20_000;
    for (Side side : List.of(batched, alone)) {
      String session = side.shard.session(key);
      boolean hash = redis.type(session).equals("hash");
      switch (change) {
        case 0, 1, 2 -> { } // time passes, below
        case 3 -> { // a sweeper decided its release
          if (hash && redis.zscore(side.shard.due(), key) != null) {
            redis.zrem(side.shard.due(), key);
            redis.zadd(side.shard.claimed(), now + 5_000, key);
            redis.hset(session, Map.of("cl", "node", "rr", "TIMEOUT", "rid", "r-" + key,
                "rat", Long.toString(now)));
          }
        }
        case 4 -> { // tracked again while its release runs
          if (hash && redis.hexists(session, "cl")) {
            redis.hset(session, "rt", "1");
          }
        }
        case 5 -> { // its release acknowledged: a tombstone
          redis.del(session);
          redis.zrem(side.shard.due(), key);
          redis.zrem(side.shard.claimed(), key);
          redis.hset(side.shard.tombReasons(), key, "EXIT," + (now + 60_000));
        }
        case 6 -> redis.set(side.shard.tombMark(), Long.toString(mark));
        case 7 -> redis.set(side.shard.hold(), "recovery");
        case 8 -> redis.del(side.shard.hold(), side.shard.tombMark());
        case 9 -> redis.zadd(side.shard.nodes(), now - 1_000, "missing");
        case 10 -> redis.del(side.shard.nodes());
        default -> { // a corrupt session: its signals fail, the others do not
          if (hash || redis.exists(session)) {
            redis.del(session);
          } else {
            redis.set(session, "not a hash");
          }
        }
      }
    }
    // The same random draw for both sides: drawn once, after the switch.
    long advance = change <= 2 ? random.nextLong(1, 60_000) : 0;
    now += advance;
    return change <= 2 ? "advance " + advance + " ms" : "change " + change + " of " + key;
  }

  private void publishClock() {
    redis.set(batched.tag + ":clock", Long.toString(now));
    redis.set(alone.tag + ":clock", Long.toString(now));
  }
}
