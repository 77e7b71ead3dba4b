package dev.farewell.internal;

import dev.farewell.ReleaseReason;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The keys of released sessions, so that a late signal is answered "released" (with the reason)
 * instead of starting the session again. Bounded in time (each tombstone lives {@code ttl}) and in
 * count (beyond {@code maximum} the oldest are forgotten first). Thread-safe.
 *
 * <p>A tombstone forgotten by count, before its TTL ended, leaves a key that was released within the
 * TTL looking like a key never seen, which a signal would start again (and the release actions would
 * run twice). So the release time of the newest such tombstone is kept: until the TTL has passed
 * since then, every key without a tombstone is answered as released ({@code TIMEOUT}, the real
 * reason being forgotten) and no signal starts a session the engine does not know. Only adoption
 * (pages that outlived a restart) waits; sessions the application tracks are not affected. The
 * release time is recorded before the tombstone is removed, so a reader that misses the tombstone
 * sees it.
 *
 * <p>Not a size-bounded Caffeine cache on purpose: its TinyLFU admission keeps frequently used
 * keys, and every tombstone is written once, so under pressure it would drop the newest tombstones
 * (the ones pages are most likely to ask about) rather than the oldest.
 */
final class Tombstones {

  private record Tombstone(String key, ReleaseReason reason, long releasedAt) {}

  private final ConcurrentHashMap<String, Tombstone> byKey = new ConcurrentHashMap<>();
  private final Queue<Tombstone> oldestFirst = new ConcurrentLinkedQueue<>();
  private final AtomicLong queued = new AtomicLong();
  private final long maximum;
  private final long ttl;
  /** The release time of the newest tombstone forgotten by count, if {@link #forgotten}. */
  private volatile long forgottenReleasedAt;
  private volatile boolean forgotten;

  Tombstones(long maximum, long ttlNanos) {
    this.maximum = maximum;
    this.ttl = ttlNanos;
  }

  /** Remembers that {@code key} was released for {@code reason} at {@code now}. */
  void add(String key, ReleaseReason reason, long now) {
    Tombstone tombstone = new Tombstone(key, reason, now);
    byKey.put(key, tombstone);
    oldestFirst.add(tombstone);
    queued.incrementAndGet();
    trim(now);
  }

  /**
   * Returns why {@code key} was released, {@code TIMEOUT} for a key without a tombstone while a
   * tombstone forgotten by count would still be alive (see the class comment), or null: the key
   * was not released within the TTL.
   */
  ReleaseReason reasonFor(String key, long now) {
    Tombstone tombstone = byKey.get(key);
    if (tombstone != null) {
      if (now - tombstone.releasedAt < ttl) {
        return tombstone.reason;
      }
      byKey.remove(key, tombstone);
    }
    if (forgotten && now - forgottenReleasedAt < ttl) {
      return ReleaseReason.TIMEOUT;
    }
    return null;
  }

  /** Forgets the tombstone of {@code key}: the application starts a new session under it. */
  void clear(String key) {
    byKey.remove(key);
  }

  /** Forgets tombstones older than the ttl and, beyond the maximum, the oldest ones. */
  synchronized void trim(long now) {
    while (true) {
      Tombstone head = oldestFirst.peek();
      if (head == null) {
        return;
      }
      boolean expired = now - head.releasedAt >= ttl;
      if (queued.get() <= maximum && !expired) {
        return;
      }
      oldestFirst.poll();
      queued.decrementAndGet();
      if (!expired && byKey.get(head.key) == head) {
        // Forgotten early: recorded before the removal (a cleared or replaced tombstone needs
        // nothing, its key was tracked again).
        if (!forgotten || head.releasedAt - forgottenReleasedAt > 0) {
          forgottenReleasedAt = head.releasedAt;
        }
        forgotten = true;
      }
      byKey.remove(head.key, head);
    }
  }

  /** The number of remembered released keys. */
  int size() {
    return byKey.size();
  }
}
