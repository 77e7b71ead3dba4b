package dev.farewell.redis;

import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.redis.SeenSessions.PageRef;
import dev.farewell.redis.SeenSessions.Unwritten;
import dev.farewell.spi.StoreContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * One node's sweeper: every interval it writes the coalesced heartbeats that are due, then claims
 * the due sessions of each shard, acknowledges them and hands them to the release actions. After
 * an outage it first recovers: hold every shard, write what the node saw, pause.
 */
final class Sweeper {

  private static final Logger logger = LoggerFactory.getLogger(Sweeper.class);
  private static final int BATCH = 200;

  private final RedisSessionStore store;
  private final StoreContext context;
  private final ReentrantLock lock = new ReentrantLock();
  private final ScheduledExecutorService timer;
  private volatile long pausedUntil;
  private volatile boolean paused;

  Sweeper(RedisSessionStore store, StoreContext context) {
    this.store = store;
    this.context = context;
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "farewell-redis-sweeper");
      thread.setDaemon(true);
      return thread;
    });
  }

  void start() {
    long interval = store.sweepInterval.toNanos();
    timer.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.NANOSECONDS);
  }

  void stop() {
    timer.shutdownNow();
  }

  void sweepNow() {
    tick();
  }

  private void tick() {
    lock.lock();
    try {
      if (store.crashed) {
        return;
      }
      if (store.down && !recover()) {
        return;
      }
      flushUnwritten(false, false);
      if (paused && context.ticker().read() - pausedUntil < 0) {
        return;
      }
      paused = false;
      sweepAll();
    } catch (JedisConnectionException e) {
      store.markDown(e);
    } catch (RuntimeException e) {
      if (!store.crashed) {
        logger.warn("Sweep failed; retrying at the next interval", e);
      }
    } finally {
      lock.unlock();
    }
  }

  void sweepIgnoringPause() {
    lock.lock();
    try {
      sweepAll();
    } finally {
      lock.unlock();
    }
  }

  private void sweepAll() {
    for (Keys.Shard shard : store.keys.shards()) {
      while (!store.crashed && sweep(shard) == BATCH) {
        // a full batch: more may be due
      }
    }
  }

  /** Claims, acknowledges and releases up to one batch of a shard; returns how many it claimed. */
  private int sweep(Keys.Shard shard) {
    List<?> reply = (List<?>) Scripts.CLAIM.run(store.client,
        List.of(shard.due(), shard.claimed(), shard.hold(), shard.inflight()),
        List.of(store.clock(), store.owner, Long.toString(store.claimLease.toMillis()),
            Integer.toString(BATCH), shard.sessionPrefix(),
            Long.toString(2 * store.claimLease.toMillis())));
    for (Object stale : (List<?>) reply.get(1)) {
      String record = Scripts.text(stale);
      int space = record.indexOf(' ');
      logger.error("Session {} was acknowledged for release by node {}, which stopped before "
          + "handing it to its release actions: they may not have run",
          record.substring(space + 1), record.substring(0, space));
    }
    List<?> flat = (List<?>) reply.get(0);
    if (flat.isEmpty()) {
      return 0;
    }
    List<Claim> claims = new ArrayList<>();
    List<String> claimedKeys = new ArrayList<>();
    for (int i = 0; i < flat.size(); i += 6) {
      Claim claim = new Claim(Scripts.text(flat.get(i)),
          ReleaseReason.valueOf(Scripts.text(flat.get(i + 1))), Scripts.number(flat.get(i + 2)),
          Scripts.number(flat.get(i + 3)), Scripts.number(flat.get(i + 4)),
          Scripts.text(flat.get(i + 5)));
      claims.add(claim);
      claimedKeys.add(claim.sessionKey());
    }
    store.claimHook.claimed(store, claimedKeys);
    List<String> args = new ArrayList<>(List.of(store.clock(), store.owner,
        Long.toString(store.rules.tombstoneTtl().toMillis()),
        Long.toString(store.maximumTombstonesPerShard), shard.sessionPrefix(),
        shard.tombPrefix(), Long.toString(store.rules.openTimeout().toMillis())));
    args.addAll(claimedKeys);
    List<?> acked = (List<?>) Scripts.ACK.run(store.client,
        List.of(shard.claimed(), shard.tombs(), shard.due(), shard.inflight()), args);
    Instant releasedAt = Instant.ofEpochMilli(Scripts.number(acked.get(0)));
    Set<String> ackedKeys = new HashSet<>();
    for (int i = 1; i < acked.size(); i++) {
      ackedKeys.add(Scripts.text(acked.get(i)));
    }
    List<String> handed = new ArrayList<>();
    for (Claim claim : claims) {
      if (ackedKeys.contains(claim.sessionKey())) {
        store.seen.released(claim.sessionKey(), claim.reason());
        context.released(claim.toRelease(releasedAt));
        handed.add(store.owner + " " + claim.sessionKey());
      }
    }
    if (!handed.isEmpty()) {
      store.client.zrem(shard.inflight(), handed.toArray(String[]::new));
    }
    return claims.size();
  }

  /**
   * Writes the unwritten signals that are due (or all), pipelined. With {@code force}, a session
   * whose deadline passed while Redis was away is revived by its pages' signals.
   */
  void flushUnwritten(boolean all, boolean force) {
    long now = context.ticker().read();
    List<Map.Entry<PageRef, Unwritten>> due = store.seen.dueForWriting(now, all);
    for (int from = 0; from < due.size(); from += 500) {
      List<Map.Entry<PageRef, Unwritten>> batch = due.subList(from, Math.min(due.size(), from + 500));
      List<Scripts.Queued> queued = new ArrayList<>();
      try (AbstractPipeline pipeline = store.client.pipelined()) {
        for (Map.Entry<PageRef, Unwritten> entry : batch) {
          Signal signal = entry.getValue().signal();
          long age = TimeUnit.NANOSECONDS.toMillis(now - entry.getValue().receivedAt());
          queued.add(Scripts.SIGNAL.queue(pipeline,
              store.signalKeys(store.keys.shardOf(signal.sessionKey()), signal),
              store.signalArgs(signal, age, force)));
        }
      }
      for (int i = 0; i < batch.size(); i++) {
        Map.Entry<PageRef, Unwritten> entry = batch.get(i);
        SignalResult result = RedisSessionStore.result(queued.get(i).answer(store.client));
        Signal signal = entry.getValue().signal();
        store.seen.learn(store.seen.session(signal.sessionKey()), signal,
            entry.getValue().receivedAt(), result);
        store.seen.written(entry.getKey(), entry.getValue());
      }
    }
  }

  /** Back from an outage: hold every shard, write what this node saw, then pause sweeping. */
  private boolean recover() {
    try {
      // A keyed command, so that a cluster client routes it (PING has no key to route by).
      store.client.exists(store.keys.shards().get(0).hold());
    } catch (JedisConnectionException e) {
      return false;
    }
    long graceMillis = store.recoveryGrace.toMillis();
    try (AbstractPipeline pipeline = store.client.pipelined()) {
      for (Keys.Shard shard : store.keys.shards()) {
        pipeline.set(shard.hold(), store.owner, SetParams.setParams().px(graceMillis));
      }
    }
    for (Map.Entry<String, Map<String, String>> track : Map.copyOf(store.offlineTracks).entrySet()) {
      store.writeTrack(track.getKey(), track.getValue());
      store.offlineTracks.remove(track.getKey(), track.getValue());
    }
    int written = store.seen.unwrittenCount();
    flushUnwritten(true, true);
    for (Map.Entry<String, ReleaseReason> release : Map.copyOf(store.offlineReleases).entrySet()) {
      store.writeRelease(release.getKey(), release.getValue());
      store.offlineReleases.remove(release.getKey(), release.getValue());
    }
    pausedUntil = context.ticker().read() + store.recoveryGrace.toNanos();
    paused = true;
    store.down = false;
    logger.info("Redis reachable again: wrote {} signals seen meanwhile; sweeping resumes in {}",
        written, store.recoveryGrace);
    return true;
  }

  private record Claim(String sessionKey, ReleaseReason reason, long trackedAt,
      long lastSignalAt, long dueAt, String attributes) {
    Release toRelease(Instant releasedAt) {
      return new Release(sessionKey, reason, AttributeCodec.decode(attributes),
          Instant.ofEpochMilli(trackedAt), Instant.ofEpochMilli(lastSignalAt),
          Instant.ofEpochMilli(dueAt), releasedAt);
    }
  }
}
