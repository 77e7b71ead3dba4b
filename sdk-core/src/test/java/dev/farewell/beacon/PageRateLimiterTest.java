package dev.farewell.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
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

  @Test
  void aSessionsOwnBucketIsNoPagesBucket() {
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.acquire("s")).isZero();
    }

    assertThat(limiter.acquire("s")).isPositive();
    assertThat(limiter.acquire("s", "page-0001")).isZero();
    assertThat(limiter.acquire("t")).isZero();
  }

  @Test
  void theTableIsSizedToAPowerOfTwoWithinBounds() {
    assertThat(PageRateLimiter.tableSize(1)).isEqualTo(2);
    assertThat(PageRateLimiter.tableSize(2)).isEqualTo(2);
    assertThat(PageRateLimiter.tableSize(3)).isEqualTo(4);
    assertThat(PageRateLimiter.tableSize(100)).isEqualTo(128);
    assertThat(PageRateLimiter.tableSize(100_000)).isEqualTo(131_072);
    assertThat(PageRateLimiter.tableSize(1L << 24)).isEqualTo(1 << 24);
    assertThat(PageRateLimiter.tableSize(Long.MAX_VALUE)).isEqualTo(PageRateLimiter.MAXIMUM_SLOTS);
  }

  @Test
  void inventedPagesCannotGrowTheTable() {
    for (int i = 0; i < 20_000; i++) {
      limiter.acquire("s", "page" + i);
    }

    assertThat(limiter.capacityInPages()).isEqualTo(128);
    assertThat(limiter.size()).isLessThanOrEqualTo(128);
  }

  @Test
  void inventedSessionsCannotGrowTheTable() {
    for (int i = 0; i < 20_000; i++) {
      limiter.acquire("session" + i);
    }

    assertThat(limiter.size()).isLessThanOrEqualTo(128);
    for (int i = 0; i < 3; i++) { // a session pushed out starts again from a full bucket
      assertThat(limiter.acquire("session0")).isZero();
    }
  }

  @Test
  void aPageWhoseSlotWasTakenStartsAgainFromAFullBucket() {
    PageRateLimiter oneSet = new PageRateLimiter(3, Duration.ofHours(1), 2, nanos::get);
    for (int i = 0; i < 3; i++) {
      oneSet.acquire("s", "p");
    }
    assertThat(oneSet.acquire("s", "p")).isPositive();

    // Both slots of the table's only set go to other pages; p was used least recently.
    nanos.addAndGet(1);
    oneSet.acquire("s", "q");
    nanos.addAndGet(1);
    oneSet.acquire("s", "r");

    assertThat(oneSet.acquire("s", "p")).isZero();
  }

  @Test
  void noPageIsRefusedForAnotherPagesSignals() {
    // A table of one set, shared by 50 pages that each send exactly their burst, interleaved at
    // random and at one instant (no refill): however they evict each other, none may be refused.
    PageRateLimiter crowded = new PageRateLimiter(5, Duration.ofHours(1), 2, nanos::get);
    List<String> sends = new ArrayList<>();
    for (int page = 0; page < 50; page++) {
      for (int i = 0; i < 5; i++) {
        sends.add("page" + page);
      }
    }
    Collections.shuffle(sends, new Random(42));

    for (String page : sends) {
      assertThat(crowded.acquire("s", page)).as(page).isZero();
    }
  }

  @Test
  void theSameIdInAnotherSessionIsAnotherPage() {
    PageRateLimiter oneSet = new PageRateLimiter(1, Duration.ofHours(1), 2, nanos::get);
    assertThat(oneSet.acquire("s", "p")).isZero();

    assertThat(oneSet.acquire("t", "p")).isZero();
    assertThat(oneSet.acquire("s", "p")).isPositive();
    assertThat(oneSet.acquire("t", "p")).isPositive();
  }

  @Test
  void theSameCharactersSplitOtherwiseAreAnotherPage() {
    // A bucket keeps its session key and page id as one string: where the page id starts counts.
    PageRateLimiter oneSet = new PageRateLimiter(1, Duration.ofHours(1), 2, nanos::get);
    assertThat(oneSet.acquire("session-a", "bc123456")).isZero();

    assertThat(oneSet.acquire("session-ab", "c123456")).isZero();
    assertThat(oneSet.acquire("session-a", "bc123456")).isPositive();

    PageRateLimiter sessions = new PageRateLimiter(1, Duration.ofHours(1), 2, nanos::get);
    assertThat(sessions.acquire("session-a", "bc123456")).isZero();
    assertThat(sessions.acquire("session-abc123456")).isZero();
  }

  @Test
  void aPageAndItsSessionAreTakenFromTogether() {
    PageRateLimiter pages = new PageRateLimiter(2, Duration.ofHours(1), 100, nanos::get);
    PageRateLimiter sessions = new PageRateLimiter(3, Duration.ofHours(1), 100, nanos::get);

    assertThat(pages.acquire("s", "p", sessions)).isZero();
    assertThat(pages.acquire("s", "p", sessions)).isZero();
    assertThat(pages.acquire("s", "p", sessions)).isPositive(); // the page's: the session's kept
    assertThat(pages.acquire("s", "q", sessions)).isZero();
    assertThat(pages.acquire("s", "r", sessions)).isNegative(); // the session's
    assertThat(sessions.acquire("s")).isPositive();
    assertThat(pages.acquire("t", "p", sessions)).isZero();
  }

  @Test
  void aPageForgetsItsSessionsBucketOnceThatLostItsSlot() {
    PageRateLimiter pages = new PageRateLimiter(10, Duration.ofHours(1), 100, nanos::get);
    PageRateLimiter oneSet = new PageRateLimiter(1, Duration.ofHours(1), 2, nanos::get);
    assertThat(pages.acquire("s", "p", oneSet)).isZero();
    assertThat(pages.acquire("s", "q", oneSet)).isNegative();
    assertThat(pages.acquire("s", "p", oneSet)).isNegative(); // the remembered bucket, still empty

    // Both slots of the sessions' only set go to other sessions; s was used least recently.
    nanos.addAndGet(1);
    oneSet.acquire("t");
    nanos.addAndGet(1);
    oneSet.acquire("u");

    // s starts again from a full bucket, as for a page that never remembered the old one.
    assertThat(pages.acquire("s", "p", oneSet)).isZero();
    assertThat(pages.acquire("s", "q", oneSet)).isNegative();
  }

  @Test
  void concurrentSignalsOfOnePageShareOneBucket() throws InterruptedException {
    PageRateLimiter shared = new PageRateLimiter(1_000, Duration.ofHours(1), 100, nanos::get);
    AtomicInteger allowed = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < 2_500; i++) {
                  if (shared.acquire("s", "p") == 0) {
                    allowed.incrementAndGet();
                  }
                }
              });
      threads.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(allowed).hasValue(1_000);
  }
}
