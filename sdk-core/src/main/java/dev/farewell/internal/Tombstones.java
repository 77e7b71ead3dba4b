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

  /** Returns why {@code key} was released, or null if it has no tombstone (or an expired one). */
  ReleaseReason reasonFor(String key, long now) {
    Tombstone tombstone = byKey.get(key);
    if (tombstone == null) {
      return null;
    }
    if (now - tombstone.releasedAt >= ttl) {
      byKey.remove(key, tombstone);
      return null;
    }
    return tombstone.reason;
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
      if (queued.get() <= maximum && now - head.releasedAt < ttl) {
        return;
      }
      oldestFirst.poll();
      queued.decrementAndGet();
      byKey.remove(head.key, head);
    }
  }

  /** The number of remembered released keys. */
  int size() {
    return byKey.size();
  }
}
