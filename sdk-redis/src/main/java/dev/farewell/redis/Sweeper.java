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
import java.util.List;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.SetParams;

/**
 * One node's sweeper: every interval it writes the coalesced heartbeats that are due, forgets the
 * releases whose actions completed (ack.lua), then, per shard, takes over the releases whose
 * lease ran out and decides the release of due sessions (claim.lua), handing each to the release
 * actions under this node's lease; a release is acknowledged only once its actions completed.
 * After an outage it first recovers: hold the shards at risk, write what the node kept, then
 * claim in takeovers-only mode for the recovery grace. Leases are renewed by {@link HeldReleases}
 * on a timer of its own.
 */
final class Sweeper {

  private static final Logger logger = LoggerFactory.getLogger(Sweeper.class);
  private static final int BATCH = 200;
  private static final long SENTINEL_INTERVAL = TimeUnit.SECONDS.toNanos(1);

  private final RedisSessionStore store;
  private final StoreContext context;
  private final ReentrantLock lock = new ReentrantLock();
  private final ScheduledExecutorService timer;
  private final HeldReleases held;
  /** The epoch of each shard's data as this node last saw it. */
  private final Map<Keys.Shard, String> epochs = new java.util.concurrent.ConcurrentHashMap<>();
  /** The highest generation (write counter) of each shard this node saw in a reply. */
  private final Map<Keys.Shard, java.util.concurrent.atomic.AtomicLong> generations =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile long pausedUntil;
  private volatile boolean paused;
  private boolean closed;
  private String missingNode = "";
  /** When the Sentinels were last asked where the primary is (ticker nanos), if ever. */
  private long sentinelsAskedAt;
  private boolean askedSentinels;

  Sweeper(RedisSessionStore store, StoreContext context, HeldReleases held) {
    this.store = store;
    this.context = context;
    this.held = held;
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
      if (closed) {
        return;
      }
      // Each step runs whatever the one before it threw, unless Redis cannot serve: above all,
      // the coalesced beats are written, or other nodes would release their beating sessions.
      step(held::forgetActed);
      if (store.down && !recover()) {
        return;
      }
      // What an outage met here stays kept: recover() writes it once Redis is back, with force.
      if (!step(this::writeOfflineTracksLeft)
          || !step(this::writeOfflineReleasesLeft)
          || !step(() -> flushUnwritten(false, false))) {
        return;
      }
      if (paused && context.ticker().read() - pausedUntil < 0) {
        takeOverOnly();
        return;
      }
      paused = false;
      sweepAll();
      held.forgetActed();
    } catch (RuntimeException e) {
      if (Outages.isOutage(e)) {
        store.markDown(e);
      } else {
        logger.warn("Sweep failed; retrying at the next interval", e);
      }
    } finally {
      try {
        if (store.down && !closed) {
          followPrimary();
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * While Redis cannot serve (the primary down, or a replica now: READONLY) and the store follows
   * a Sentinel-managed primary: asks the Sentinels where the primary is, at most once a second,
   * each Sentinel for at most the connect and read timeouts; when they name another primary than
   * the one the client serves, the client missed the switch (its subscription went silent) and
   * listens again, which moves it there (see {@link SentinelPrimary}).
   */
  private void followPrimary() {
    SentinelPrimary sentinels = store.sentinels;
    long now = context.ticker().read();
    if (sentinels == null || (askedSentinels && now - sentinelsAskedAt < SENTINEL_INTERVAL)) {
      return;
    }
    askedSentinels = true;
    sentinelsAskedAt = now;
    try {
      HostAndPort named = sentinels.primaryMoved();
      if (named != null) {
        logger.warn("The Sentinels name {} the primary, the store is still on {}: it missed the "
            + "switch (a silent Sentinel connection); listening to the Sentinels again", named,
            sentinels.getCurrentMaster());
        sentinels.listenAgain();
      }
    } catch (RuntimeException e) {
      logger.warn("Asking the Sentinels where the primary is failed", e);
    }
  }

  /**
   * Runs one step of a sweep: an error that means Redis cannot serve takes the outage path, any
   * other is logged and the sweep goes on. The first step forgets the releases whose actions
   * completed; it runs while Redis is held after an outage too (these releases are decided), and
   * their leases are renewed on a timer of their own (HeldReleases), so that a long sweep or a
   * long sweep interval cannot let them run out.
   */
  private boolean step(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      if (Outages.isOutage(e)) {
        store.markDown(e);
      } else {
        logger.warn("Sweep step failed; the sweep goes on and retries it at the next interval", e);
      }
    }
    return !store.down;
  }

  void sweepIgnoringPause() {
    lock.lock();
    try {
      sweepAll();
      held.forgetActed();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Once closed and while Redis cannot serve: writes what this node kept if Redis answers again;
   * false if it does not yet. Throws what Redis threw while writing.
   */
  boolean recoverWhileClosing() {
    lock.lock();
    try {
      return !store.down || recover();
    } finally {
      lock.unlock();
    }
  }

  /** Stops sweeping for good; the store then works the held releases itself while it closes. */
  void close() {
    lock.lock();
    try {
      closed = true;
    } finally {
      lock.unlock();
    }
    stop();
  }

  private void sweepAll() {
    long flushedAt = context.ticker().read();
    for (Keys.Shard shard : store.keys.shards()) {
      while (true) {
        // Swept with no room too: the claim also tells the other nodes this one is alive.
        int room = Math.max(0, Math.min(BATCH, store.maximumReleasesInFlight - held.size()));
        int taken = sweep(shard, room, false);
        // A long drain (a mass expiry) must not hold back the coalesced beats due meanwhile:
        // they are written at least once a sweep interval.
        long now = context.ticker().read();
        if (now - flushedAt >= store.sweepInterval.toNanos()) {
          flushUnwritten(false, false);
          flushedAt = now;
        }
        if (taken < room || room == 0) {
          break;
        }
      }
    }
  }

  /** While new decisions wait for a recovery, releases whose lease ran out are still taken over. */
  private void takeOverOnly() {
    for (Keys.Shard shard : store.keys.shards()) {
      int room = Math.max(0, Math.min(BATCH, store.maximumReleasesInFlight - held.size()));
      sweep(shard, room, true);
    }
  }

  /** Notes a generation of a shard that a reply showed; only ever raises what is known. */
  void sawGeneration(Keys.Shard shard, long generation) {
    java.util.concurrent.atomic.AtomicLong known = generations.get(shard);
    if (known == null) {
      known = generations.computeIfAbsent(shard, s -> new java.util.concurrent.atomic.AtomicLong());
    }
    // Read first: every answer reports a generation, most of them no news.
    if (known.get() < generation) {
      known.accumulateAndGet(generation, Math::max);
    }
  }

  private long knownGeneration(Keys.Shard shard) {
    java.util.concurrent.atomic.AtomicLong known = generations.get(shard);
    return known == null ? 0 : known.get();
  }

  /**
   * Decides the release of up to {@code limit} due sessions of a shard and takes over releases
   * whose lease ran out, then hands them to the release actions; returns how many it took. The
   * claim names every session it touches (Redis Cluster requires it), so a first claim learns
   * which sessions are due and a second one, only when there are, claims them.
   */
  private int sweep(Keys.Shard shard, int limit, boolean takeoversOnly) {
    Claimed first = claim(shard, limit, takeoversOnly, List.of());
    if (first.due().isEmpty()) {
      return first.taken();
    }
    return first.taken() + claim(shard, limit, takeoversOnly, first.due()).taken();
  }

  /** What one claim took, and the sessions due after it. */
  private record Claimed(int taken, List<String> due) {}

  /** Runs one claim of {@code candidates}. */
  private Claimed claim(Keys.Shard shard, int limit, boolean takeoversOnly,
      List<String> candidates) {
    String known = epochs.getOrDefault(shard, "");
    long knownGeneration = knownGeneration(shard);
    List<String> keyList = new ArrayList<>(List.of(shard.due(), shard.claimed(), shard.hold(),
        shard.epoch(), shard.nodes(), shard.gen()));
    List<String> args = new ArrayList<>(List.of(store.owner,
        Long.toString(store.claimLease.toMillis()), Integer.toString(limit), "",
        UUID.randomUUID().toString(), known, Long.toString(store.recoveryGrace.toMillis()),
        Long.toString(promiseMillis()), Long.toString(store.partitionGrace.toMillis()),
        Long.toString(knownGeneration), takeoversOnly ? "1" : "0"));
    for (String key : candidates) {
      keyList.add(shard.session(key));
      args.add(key);
    }
    List<?> reply = (List<?>) Scripts.CLAIM.run(store.client, keyList, args);
    if (Scripts.text(reply.get(0)).equals("ROLLBACK")) {
      // The script moved the counter on to above what this node knows, which it keeps.
      long now = Scripts.number(reply.get(1));
      store.dataLosses.incrementAndGet();
      logger.error("Redis went back in time on shard {} (its write counter fell from {} to {}: a "
          + "restart from an older snapshot, or a failover to a replica that lagged): deadlines "
          + "may be stale and releases decided since the snapshot may be decided again; the shard "
          + "is held for {} so that beating pages write their sessions first", shard.index(),
          knownGeneration, now, store.recoveryGrace);
      return claim(shard, limit, takeoversOnly, candidates);
    }
    if (Scripts.text(reply.get(0)).equals("EPOCH")) {
      epochs.put(shard, Scripts.text(reply.get(1)));
      if (Scripts.number(reply.get(2)) == 0) {
        generations.remove(shard);
      } else {
        // As after a rollback, the script moved the counter on to above what this node knows.
        store.dataLosses.incrementAndGet();
        logger.error("Redis lost the data of shard {} (its epoch changed from {} to {}: a restart "
            + "without its data, a FLUSHALL or a failover to a replica that lagged): sessions "
            + "that had no signal since are lost, a page of a released session may start it "
            + "again (released twice), beating sessions come back without attributes; the shard "
            + "is held for {} so that beating pages write their sessions first", shard.index(),
            known, Scripts.text(reply.get(1)), store.recoveryGrace);
      }
      return claim(shard, limit, takeoversOnly, candidates);
    }
    sawGeneration(shard, Scripts.number(reply.get(3)));
    List<?> flat = (List<?>) reply.get(1);
    noteMissing(Scripts.text(reply.get(2)));
    int taken = 0;
    for (int i = 0; i < flat.size(); i += 9, taken++) {
      Release release = new Release(Scripts.text(flat.get(i)),
          ReleaseReason.valueOf(Scripts.text(flat.get(i + 1))),
          AttributeCodec.decode(Scripts.text(flat.get(i + 5))),
          instant(flat.get(i + 2)), instant(flat.get(i + 3)), instant(flat.get(i + 4)),
          instant(flat.get(i + 7)), Scripts.text(flat.get(i + 6)));
      held.act(shard, release, Scripts.number(flat.get(i + 8)) == 1);
    }
    List<String> due = new ArrayList<>();
    for (Object key : (List<?>) reply.get(4)) {
      due.add(Scripts.text(key));
    }
    return new Claimed(taken, due);
  }

  /** By when this node promises to sweep again: a few intervals, at least a second. */
  private long promiseMillis() {
    return Math.max(1_000, 3 * store.sweepInterval.toMillis());
  }

  private void noteMissing(String node) {
    if (!node.isEmpty() && !node.equals(missingNode)) {
      logger.warn("Node {} has not swept for longer than it promised: it may be cut off from Redis "
          + "with pages beating to it, so no new release is decided until it is back or {} has "
          + "passed", node, store.partitionGrace);
    }
    missingNode = node;
  }

  /** Takes this node off the list of sweeping nodes, so its departure holds nobody. */
  void deregister() {
    try (AbstractPipeline pipeline = store.client.pipelined()) {
      for (Keys.Shard shard : store.keys.shards()) {
        pipeline.zrem(shard.nodes(), store.owner);
      }
    }
  }

  private static Instant instant(Object millis) {
    return Instant.ofEpochMilli(Scripts.number(millis));
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
      List<SignalBatcher.Write> writes = new ArrayList<>(batch.size());
      int[] at = new int[batch.size()];
      for (int i = 0; i < batch.size(); i++) {
        Unwritten kept = batch.get(i).getValue();
        // Written just before the exit that replaced it, in the same call or pipeline, in order.
        if (kept.live() != null) {
          writes.add(store.toWrite(kept.live(),
              TimeUnit.NANOSECONDS.toMillis(now - kept.liveAt()), force));
        }
        at[i] = writes.size();
        writes.add(store.toWrite(kept.signal(),
            TimeUnit.NANOSECONDS.toMillis(now - kept.receivedAt()), force));
      }
      Object[] answers = store.batcher.send(writes);
      for (int i = 0; i < batch.size(); i++) {
        Map.Entry<PageRef, Unwritten> entry = batch.get(i);
        Signal signal = entry.getValue().signal();
        SignalResult result;
        try {
          if (entry.getValue().live() != null) {
            SignalBatcher.answer(answers[at[i] - 1]);
          }
          result = store.signalAnswer(signal, SignalBatcher.answer(answers[at[i]]));
        } catch (RuntimeException e) {
          if (Outages.isOutage(e)) {
            throw e;
          }
          // One session's failure (its data in Redis broken) holds back no other: the signal is
          // kept, and tried again at the next sweep.
          logger.warn("Writing a signal of session {} failed; trying again at the next sweep",
              signal.sessionKey(), e);
          continue;
        }
        store.seen.learn(store.seen.session(signal.sessionKey()), signal,
            entry.getValue().receivedAt(), result);
        store.seen.written(entry.getKey(), entry.getValue());
      }
    }
  }

  /** Back from an outage: hold the shards at risk, write what this node kept, pause deciding. */
  private boolean recover() {
    try {
      // A keyed command per shard, so that a cluster client routes each to its slot's primary:
      // one that meets a primary gone since (its pipelines, which follow no redirection and
      // renew no slot map, would meet it again and again) renews the client's slot map.
      for (Keys.Shard shard : store.keys.shards()) {
        store.client.exists(shard.hold());
      }
    } catch (RuntimeException e) {
      if (Outages.isOutage(e)) {
        return false;
      }
      throw e;
    }
    holdShardsAtRisk();
    writeOfflineTracks();
    int written = store.seen.unwrittenCount();
    flushUnwritten(true, true);
    writeOfflineReleases();
    pausedUntil = context.ticker().read() + store.recoveryGrace.toNanos();
    paused = true;
    store.down = false;
    // A track or release that saw `down` still set may have been kept after the copies above
    // were taken; every tick writes such stragglers (writeOffline), and this one does at once.
    writeOffline();
    logger.info("Redis reachable again: wrote {} signals seen meanwhile; sweeping resumes in {}",
        written, store.recoveryGrace);
    return true;
  }

  /**
   * Holds the shards of the sessions whose deadlines in Redis may be stale because this node could
   * not write what their pages said (signals kept while Redis could not serve, coalesced beats now
   * overdue, tracks), so that no node releases them before this node wrote them. Other shards
   * are not held: a blip of one node does not stop the others from releasing. Checks every reply.
   */
  private void holdShardsAtRisk() {
    Set<Keys.Shard> atRisk = new LinkedHashSet<>();
    for (Map.Entry<PageRef, Unwritten> entry
        : store.seen.dueForWriting(context.ticker().read(), false)) {
      atRisk.add(store.keys.shardOf(entry.getKey().sessionKey()));
    }
    for (String key : store.offlineTracks.keySet()) {
      atRisk.add(store.keys.shardOf(key));
    }
    if (atRisk.isEmpty()) {
      return;
    }
    long graceMillis = store.recoveryGrace.toMillis();
    Map<Keys.Shard, Response<String>> replies = new LinkedHashMap<>();
    try (AbstractPipeline pipeline = store.client.pipelined()) {
      for (Keys.Shard shard : atRisk) {
        replies.put(shard, pipeline.set(shard.hold(), store.owner,
            SetParams.setParams().px(graceMillis)));
      }
    }
    for (Map.Entry<Keys.Shard, Response<String>> reply : replies.entrySet()) {
      Keys.Shard shard = reply.getKey();
      String answer = Scripts.reply(reply.getValue(), () -> store.client.set(shard.hold(),
          store.owner, SetParams.setParams().px(graceMillis)));
      if (!"OK".equals(answer)) {
        throw new IllegalStateException("Redis answered " + answer + " to the hold of shard "
            + reply.getKey().index());
      }
    }
  }

  /** Writes the tracks and releases kept while Redis was unreachable, if any are left. */
  private void writeOffline() {
    writeOfflineTracksLeft();
    writeOfflineReleasesLeft();
  }

  private void writeOfflineTracksLeft() {
    if (!store.offlineTracks.isEmpty()) {
      writeOfflineTracks();
    }
  }

  private void writeOfflineReleasesLeft() {
    if (!store.offlineReleases.isEmpty()) {
      writeOfflineReleases();
    }
  }

  private void writeOfflineTracks() {
    long now = context.ticker().read();
    for (Map.Entry<String, RedisSessionStore.KeptTrack> track
        : Map.copyOf(store.offlineTracks).entrySet()) {
      RedisSessionStore.KeptTrack kept = track.getValue();
      // At least 1 ms: a kept track is late, whatever the ticker says.
      long age = Math.max(1, TimeUnit.NANOSECONDS.toMillis(now - kept.receivedAt()));
      store.writeTrack(track.getKey(), kept.attributes(), age);
      store.offlineTracks.remove(track.getKey(), kept);
    }
  }

  private void writeOfflineReleases() {
    long now = context.ticker().read();
    for (Map.Entry<String, RedisSessionStore.Kept> release
        : Map.copyOf(store.offlineReleases).entrySet()) {
      RedisSessionStore.Kept kept = release.getValue();
      store.writeRelease(release.getKey(), kept.reason(), kept.releaseId(),
          Math.max(0, TimeUnit.NANOSECONDS.toMillis(now - kept.askedAt())));
      store.offlineReleases.remove(release.getKey(), kept);
    }
  }
}
