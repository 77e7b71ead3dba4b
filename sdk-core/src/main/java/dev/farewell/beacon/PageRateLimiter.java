package dev.farewell.beacon;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.farewell.Ticker;
import java.time.Duration;

/**
 * A token bucket per page (session key and page id): {@code capacity} signals at once, refilled at
 * {@code capacity} per {@code period}. Buckets live in a Caffeine cache with a maximum size, so the
 * memory stays bounded however many pages an attacker invents; a bucket idle for a whole period is
 * full again and may be forgotten.
 */
final class PageRateLimiter {

  private final Cache<String, Bucket> buckets;
  private final Ticker ticker;
  private final int capacity;
  private final double nanosPerSignal;

  PageRateLimiter(int capacity, Duration period, long maximumPages, Ticker ticker) {
    this.ticker = ticker;
    this.capacity = capacity;
    this.nanosPerSignal = (double) period.toNanos() / capacity;
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(maximumPages)
            .expireAfterAccess(period)
            .ticker(ticker::read)
            .executor(Runnable::run)
            .build();
  }

  /** Takes one signal from the page's bucket; returns 0 if allowed, else the nanos to wait. */
  long acquire(String sessionKey, String pageId) {
    Bucket bucket = buckets.get(sessionKey + '\n' + pageId, key -> new Bucket(capacity, ticker.read()));
    return bucket.take(ticker.read(), capacity, nanosPerSignal);
  }

  private static final class Bucket {
    private double tokens;
    private long updated;

    Bucket(int capacity, long now) {
      this.tokens = capacity;
      this.updated = now;
    }

    synchronized long take(long now, int capacity, double nanosPerSignal) {
      if (now > updated) {
        tokens = Math.min(capacity, tokens + (now - updated) / nanosPerSignal);
        updated = now;
      }
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - tokens) * nanosPerSignal));
    }
  }
}
