package dev.farewell.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PageRateLimiterTest {

  private final AtomicLong nanos = new AtomicLong(1_000);
  private final PageRateLimiter limiter =
      new PageRateLimiter(3, Duration.ofSeconds(3), 100, nanos::get);

  @Test
  void aPageMaySendItsBurstAndThenWaitsForARefill() {
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.acquire("s", "p")).isZero();
    }
    assertThat(limiter.acquire("s", "p")).isEqualTo(Duration.ofSeconds(1).toNanos());

    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(limiter.acquire("s", "p")).isZero();
    assertThat(limiter.acquire("s", "p")).isPositive();
  }

  @Test
  void pagesHaveTheirOwnBuckets() {
    for (int i = 0; i < 3; i++) {
      limiter.acquire("s", "p");
    }

    assertThat(limiter.acquire("s", "q")).isZero();
    assertThat(limiter.acquire("t", "p")).isZero();
  }
}
