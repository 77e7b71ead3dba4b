package dev.farewell.redis;

import dev.farewell.Release;
import dev.farewell.spi.StoreContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The releases this node decided or took over and whose actions it runs. Each stays in Redis,
 * whole, under this node's lease until its actions completed; its lease is renewed on a timer, and
 * the sweeper then tells Redis to forget the acted ones ({@code ack.lua}). A release whose actions did not run
 * to their end here (refused by a full pipeline, abandoned at shutdown) is let go: its lease runs
 * out and a node takes it over, with the same release id. Leases are renewed every third of a
 * lease by a timer of their own, whatever the sweeper is doing.
 *
 * <p>Thread-safe: releases end on release threads, Redis is written on the sweeper's thread.
 */
final class HeldReleases {

  private static final Logger logger = LoggerFactory.getLogger(RedisSessionStore.class);
  /** Releases per script call when renewing or forgetting. */
  private static final int BATCH = 500;

  private record Held(Keys.Shard shard, String sessionKey, String releaseId) {}

  private final RedisSessionStore store;
  private final StoreContext context;
  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private final Queue<Held> acted = new ConcurrentLinkedQueue<>();
  private final AtomicLong takenOver = new AtomicLong();
  private final Object drained = new Object();

  private final ScheduledExecutorService renewals;

  HeldReleases(RedisSessionStore store, StoreContext context) {
    this.store = store;
    this.context = context;
    this.renewals = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "farewell-redis-lease-renewal");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts renewing the leases of the held releases every third of a lease. */
  void start() {
    long every = Math.max(1, store.claimLease.toNanos() / 3);
    renewals.scheduleWithFixedDelay(this::renewQuietly, every, every, TimeUnit.NANOSECONDS);
  }

  /** Stops renewing; the releases still held then run out and are taken over. */
  void stop() {
    renewals.shutdownNow();
  }

  private void renewQuietly() {
    if (held.isEmpty()) {
      return;
    }
    try {
      renew();
    } catch (RuntimeException e) {
      if (Outages.isOutage(e)) {
        store.markDown(e);
      } else {
        logger.warn("Renewing the leases of held releases failed; retrying", e);
      }
    }
  }

  /** How many releases this node holds now (actions running, or acted and not yet forgotten). */
  int size() {
    return held.size();
  }

  /** How many releases this node took over from a node whose lease ran out, since it started. */
  long takenOver() {
    return takenOver.get();
  }

  /**
   * Hands a release this node now holds to the release actions, unless it already runs them (it
   * took its own release back after a lost reply).
   */
  void act(Keys.Shard shard, Release release, boolean fromAnotherNode) {
    Held entry = new Held(shard, release.sessionKey(), release.releaseId());
    if (held.putIfAbsent(release.releaseId(), entry) != null) {
      return;
    }
    if (fromAnotherNode) {
      takenOver.incrementAndGet();
      logger.warn("Session {} ({}): release {} taken over from a node whose lease ran out; its "
          + "actions run again here", release.sessionKey(), release.reason(), release.releaseId());
    }
    store.seen.released(release.sessionKey(), release.reason());
    context.releasedUntilActed(release).whenComplete((done, error) -> {
      if (Boolean.TRUE.equals(done)) {
        acted.add(entry);
        signalDrained();
      } else {
        held.remove(entry.releaseId(), entry);
        logger.warn("Session {}: the actions of release {} did not run to their end on this node; "
            + "another node takes it over when its lease runs out", entry.sessionKey(),
            entry.releaseId());
        signalDrained();
      }
    });
  }

  /** Extends the leases of every held release. Throws what Redis threw. */
  void renew() {
    for (Map.Entry<Keys.Shard, List<Held>> shard : byShard(held.values()).entrySet()) {
      List<Held> list = shard.getValue();
      for (int from = 0; from < list.size(); from += BATCH) {
        List<Held> batch = list.subList(from, Math.min(list.size(), from + BATCH));
        List<String> keys = new ArrayList<>(List.of(shard.getKey().claimed()));
        List<String> args = new ArrayList<>(List.of(store.owner,
            Long.toString(store.claimLease.toMillis())));
        for (Held h : batch) {
          keys.add(shard.getKey().session(h.sessionKey()));
          args.add(h.sessionKey());
          args.add(h.releaseId());
        }
        List<?> lost = (List<?>) Scripts.RENEW.run(store.client, keys, args);
        for (Object key : lost) {
          logger.debug("Session {}: lease no longer held by this node (taken over or forgotten)",
              Scripts.text(key));
        }
      }
    }
  }

  /** Tells Redis to forget the releases whose actions completed. Throws what Redis threw. */
  void forgetActed() {
    List<Held> done = new ArrayList<>();
    for (Held h; (h = acted.poll()) != null; ) {
      done.add(h);
    }
    if (done.isEmpty()) {
      return;
    }
    List<Held> left = new ArrayList<>(done);
    try {
      for (Map.Entry<Keys.Shard, List<Held>> shard : byShard(done).entrySet()) {
        List<Held> list = shard.getValue();
        for (int from = 0; from < list.size(); from += BATCH) {
          List<Held> batch = list.subList(from, Math.min(list.size(), from + BATCH));
          Keys.Shard keys = shard.getKey();
          List<String> keyList = new ArrayList<>(List.of(keys.claimed(), keys.tombs(), keys.due(),
              keys.gen(), keys.tombMark(), keys.tombReasons()));
          List<String> args = new ArrayList<>(List.of(
              Long.toString(store.rules.tombstoneTtl().toMillis()),
              Long.toString(store.maximumTombstonesPerShard),
              Long.toString(store.rules.openTimeout().toMillis())));
          for (Held h : batch) {
            keyList.add(keys.session(h.sessionKey()));
            args.add(h.sessionKey());
            args.add(h.releaseId());
          }
          List<?> failed = (List<?>) ((List<?>) Scripts.ACK.run(store.client, keyList, args)).get(1);
          Set<String> retried = new HashSet<>();
          for (int i = 0; i < failed.size(); i += 2) {
            String key = Scripts.text(failed.get(i));
            retried.add(key);
            logger.warn("Session {}: forgetting its acted release failed ({}); retried",
                key, Scripts.text(failed.get(i + 1)));
          }
          for (Held h : batch) {
            if (retried.contains(h.sessionKey())) {
              continue;
            }
            held.remove(h.releaseId(), h);
            left.remove(h);
          }
        }
      }
    } finally {
      // Not told, or the reply was lost: tell again later (forgetting twice is harmless).
      acted.addAll(left);
      signalDrained();
    }
  }

  /**
   * Waits until at most {@code count} releases are held, forgetting the acted ones and renewing the
   * leases meanwhile (on their timer); false if {@code deadline} (a
   * {@link System#nanoTime} reading) passed first.
   */
  boolean awaitAtMost(int count, long deadline) throws InterruptedException {
    while (held.size() > count) {
      forgetActed();
      if (held.size() <= count) {
        return true;
      }
      long now = System.nanoTime();
      if (now - deadline >= 0) {
        return false;
      }
      synchronized (drained) {
        drained.wait(Math.max(1, Math.min(50, (deadline - now) / 1_000_000)));
      }
    }
    return true;
  }

  private void signalDrained() {
    synchronized (drained) {
      drained.notifyAll();
    }
  }

  private static Map<Keys.Shard, List<Held>> byShard(Iterable<Held> entries) {
    Map<Keys.Shard, List<Held>> map = new LinkedHashMap<>();
    for (Held h : entries) {
      map.computeIfAbsent(h.shard(), s -> new ArrayList<>()).add(h);
    }
    return map;
  }
}
