package dev.farewell.beacon;

import dev.farewell.Ticker;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A token bucket per page (session key and page id): {@code capacity} signals at once, refilled at
 * {@code capacity} per {@code period}.
 *
 * <p>Buckets live in a table of fixed size, in sets of two slots chosen by a seeded hash of the
 * page. A page that finds its bucket allocates nothing and takes no lock but its bucket's; a page that
 * does not takes an empty slot of its set, or the one whose bucket was used least recently. So the
 * memory is bounded however many pages an attacker invents, and a forgotten page starts again from
 * a full bucket: sharing a set with other pages can let a page send more than its rate, never less.
 * A page is never refused for another page's signals: a bucket serves only the page it was made for
 * (and a page's session key comes from a verified token).
 *
 * <p>The beacon handler keeps a second instance for whole sessions ({@link #acquire(String)}: one
 * bucket per session key, under a page id no page can have), so that inventing a page id for every
 * message does not escape the limit.
 */
final class PageRateLimiter {

  /** The largest table: 16 Mi slots, 64 MiB of references at most. */
  static final int MAXIMUM_SLOTS = 1 << 24;

  /** How often a page tries to take a slot that other threads keep changing before it gives up. */
  private static final int ATTEMPTS = 4;

  private final AtomicReferenceArray<Bucket> slots;
  private final int setMask;
  private final int seed;
  private final Ticker ticker;
  private final int capacity;
  private final double nanosPerSignal;

  PageRateLimiter(int capacity, Duration period, long maximumPages, Ticker ticker) {
    this.ticker = ticker;
    this.capacity = capacity;
    this.nanosPerSignal = (double) period.toNanos() / capacity;
    int size = tableSize(maximumPages);
    this.slots = new AtomicReferenceArray<>(size);
    this.setMask = (size - 1) & ~1;
    // Seeded, so that which pages share a set differs from one server to the next.
    this.seed = new SecureRandom().nextInt();
  }

  /** The number of slots for {@code maximumPages}: a power of two, at least 2, at most 2^24. */
  static int tableSize(long maximumPages) {
    long wanted = Math.max(2, Math.min(maximumPages, MAXIMUM_SLOTS));
    return (int) Long.highestOneBit(wanted - 1) << 1;
  }

  /**
   * Takes one signal from the session's own bucket (not any page's: page ids are never empty);
   * returns 0 if allowed, else the nanos to wait.
   */
  long acquire(String sessionKey) {
    return acquire(sessionKey, "");
  }

  /** Takes one signal from the page's bucket; returns 0 if allowed, else the nanos to wait. */
  long acquire(String sessionKey, String pageId) {
    long now = ticker.read();
    int first = setOf(sessionKey, pageId);
    for (int attempt = 1; ; attempt++) {
      Bucket a = slots.get(first);
      if (a != null && a.isFor(sessionKey, pageId)) {
        return a.take(now, capacity, nanosPerSignal);
      }
      Bucket b = slots.get(first + 1);
      if (b != null && b.isFor(sessionKey, pageId)) {
        return b.take(now, capacity, nanosPerSignal);
      }
      Bucket fresh = new Bucket(sessionKey, pageId, capacity, now);
      boolean intoFirst = (a == null) || (b != null && a.lastUsed <= b.lastUsed);
      int slot = intoFirst ? first : first + 1;
      if (slots.compareAndSet(slot, intoFirst ? a : b, fresh) || attempt == ATTEMPTS) {
        // Had the set kept changing, the page is served from a bucket no one keeps: a full one.
        return fresh.take(now, capacity, nanosPerSignal);
      }
    }
  }

  /** The number of pages remembered (for tests: it never exceeds the table's size). */
  int size() {
    int size = 0;
    for (int i = 0; i < slots.length(); i++) {
      if (slots.get(i) != null) {
        size++;
      }
    }
    return size;
  }

  /** The table's size in slots. */
  int capacityInPages() {
    return slots.length();
  }

  private int setOf(String sessionKey, String pageId) {
    int h = (sessionKey.hashCode() * 31 + pageId.hashCode()) ^ seed;
    // murmur3's finalizer: every bit of the hash moves the set
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h & setMask;
  }

  private static final class Bucket {
    private final String sessionKey;
    private final String pageId;
    private double tokens;
    private long updated;
    /** When the bucket was last taken from; read without the lock to choose which slot to reuse. */
    volatile long lastUsed;

    Bucket(String sessionKey, String pageId, int capacity, long now) {
      this.sessionKey = sessionKey;
      this.pageId = pageId;
      this.tokens = capacity;
      this.updated = now;
      this.lastUsed = now;
    }

    boolean isFor(String sessionKey, String pageId) {
      return this.pageId.equals(pageId) && this.sessionKey.equals(sessionKey);
    }

    synchronized long take(long now, int capacity, double nanosPerSignal) {
      if (now > updated) {
        tokens = Math.min(capacity, tokens + (now - updated) / nanosPerSignal);
        updated = now;
      }
      lastUsed = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - tokens) * nanosPerSignal));
    }
  }
}
