package dev.farewell.beacon;

import dev.farewell.Ticker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A token bucket per page (session key and page id): {@code capacity} signals at once, refilled at
 * {@code capacity} per {@code period}.
 *
 * <p>Buckets live in a table of fixed size, in sets of two slots chosen by a seeded hash of the
 * page. A page that finds its bucket allocates nothing and takes no lock: a bucket is one {@code
 * long}, the time at which it would be full again (the generic cell rate algorithm, exact in integer
 * nanoseconds), moved by one compare-and-set per signal. A page that does not find its bucket takes
 * an empty slot of its set, or the one whose bucket was used least recently. So the memory is
 * bounded however many pages an attacker invents, and a forgotten page starts again from a full
 * bucket: sharing a set with other pages can let a page send more than its rate, never less. A page
 * is never refused for another page's signals: a bucket serves only the page it was made for (and a
 * page's session key comes from a verified token).
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
  /** The time one signal takes to refill, in nanos (at least 1). */
  private final long interval;
  /** How far ahead of now a bucket's full time may be for a signal to pass: capacity - 1 signals. */
  private final long tolerance;

  PageRateLimiter(int capacity, Duration period, long maximumPages, Ticker ticker) {
    this.ticker = ticker;
    this.interval = Math.max(1, period.toNanos() / capacity);
    this.tolerance = (capacity - 1) * interval;
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
    return bucket(sessionKey, pageId, now).take(now, interval, tolerance);
  }

  /**
   * Takes one signal from the page's bucket here and, if it had one, one from its session's bucket
   * in {@code sessions} (as {@code sessions.acquire(sessionKey)} would): returns 0 if both had one,
   * the nanos to wait if the page's had none (the session's is not touched), or minus the nanos to
   * wait if the session's had none. A page's bucket remembers its session's, and finds it again
   * without comparing keys while that still holds its slot in {@code sessions} (a bucket never
   * moves, so the bucket in that slot is the session's).
   */
  long acquire(String sessionKey, String pageId, PageRateLimiter sessions) {
    long now = ticker.read();
    Bucket page = bucket(sessionKey, pageId, now);
    long wait = page.take(now, interval, tolerance);
    if (wait > 0) {
      return wait;
    }
    Bucket session = page.session;
    if (session == null || session.slot < 0 || sessions.slots.get(session.slot) != session) {
      session = sessions.bucket(sessionKey, "", now);
      page.session = session;
    }
    return -session.take(now, sessions.interval, sessions.tolerance);
  }

  /** The page's bucket: the one in its set, or a new one, full at {@code now}, put in the set. */
  private Bucket bucket(String sessionKey, String pageId, long now) {
    int hash = sessionKey.hashCode() * 31 + pageId.hashCode();
    int first = setOf(hash);
    for (int attempt = 1; ; attempt++) {
      Bucket a = slots.get(first);
      if (a != null && a.isFor(hash, sessionKey, pageId)) {
        return a;
      }
      Bucket b = slots.get(first + 1);
      if (b != null && b.isFor(hash, sessionKey, pageId)) {
        return b;
      }
      boolean intoFirst = (a == null) || (b != null && a.lastUsed() - b.lastUsed() <= 0);
      int slot = intoFirst ? first : first + 1;
      Bucket fresh = new Bucket(hash, sessionKey, pageId, now, slot);
      if (slots.compareAndSet(slot, intoFirst ? a : b, fresh)) {
        return fresh;
      }
      if (attempt == ATTEMPTS) {
        // Had the set kept changing, the page is served from a bucket no one keeps: a full one.
        return new Bucket(hash, sessionKey, pageId, now, -1);
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

  private int setOf(int hash) {
    int h = hash ^ seed;
    // murmur3's finalizer: every bit of the hash moves the set
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h & setMask;
  }

  /**
   * One page's bucket: its page as one string (session key, then page id) with the place where the
   * page id starts, so that a look-up reads one string, not two, and the time the bucket is full.
   */
  private static final class Bucket {
    private static final VarHandle FULL_AT;
    private static final VarHandle LAST_USED;

    static {
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        FULL_AT = lookup.findVarHandle(Bucket.class, "fullAt", long.class);
        LAST_USED = lookup.findVarHandle(Bucket.class, "lastUsed", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final int hash;
    private final int split;
    private final String page;
    /** The slot the bucket was put in, for good (a bucket never moves); -1 for none. */
    final int slot;
    /**
     * A page's bucket: its session's bucket when last looked up, or null. Read and written without
     * synchronization: a stale or torn value only sends the next look-up to the table.
     */
    Bucket session;
    /** When the bucket holds its full capacity again if nothing more is taken (ticker nanos). */
    private volatile long fullAt;
    /**
     * When the bucket was last taken from; read without synchronization to choose which slot to
     * reuse (a stale value only changes which of two pages starts again from a full bucket).
     */
    private long lastUsed;

    Bucket(int hash, String sessionKey, String pageId, long now, int slot) {
      this.hash = hash;
      this.slot = slot;
      this.split = sessionKey.length();
      this.page = pageId.isEmpty() ? sessionKey : sessionKey.concat(pageId);
      this.fullAt = now;
      this.lastUsed = now;
    }

    boolean isFor(int hash, String sessionKey, String pageId) {
      return this.hash == hash
          && split == sessionKey.length()
          && page.length() == split + pageId.length()
          && page.startsWith(pageId, split)
          && page.startsWith(sessionKey);
    }

    long lastUsed() {
      return (long) LAST_USED.getOpaque(this);
    }

    /** Takes one signal at {@code now}: 0 if there was one, else the nanos until there is. */
    long take(long now, long interval, long tolerance) {
      LAST_USED.setOpaque(this, now);
      while (true) {
        long full = fullAt;
        long from = (full - now > 0) ? full : now;
        long ahead = from - now; // how many signals' worth of refill the bucket lacks
        if (ahead > tolerance) {
          return ahead - tolerance;
        }
        if (FULL_AT.compareAndSet(this, full, from + interval)) {
          return 0;
        }
      }
    }
  }
}
