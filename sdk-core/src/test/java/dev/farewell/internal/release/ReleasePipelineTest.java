package dev.farewell.internal.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import dev.farewell.Release;
import dev.farewell.ReleaseAction;
import dev.farewell.ReleaseFailureListener;
import dev.farewell.ReleaseReason;
import dev.farewell.ReleaseStats;
import dev.farewell.RetryPolicy;
import dev.farewell.RetryableReleaseException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReleasePipelineTest {
  private final ManualTime time = new ManualTime();
  private final ManualExecutor executor = new ManualExecutor();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final List<Throwable> causes = new CopyOnWriteArrayList<>();
  private final ReleaseFailureListener recordFailures =
      (release, cause) -> {
        failures.add(release.sessionKey());
        causes.add(cause);
      };

  private static Release release(String key) {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    return new Release(key, ReleaseReason.EXIT, Map.of("user", "u-" + key), now, now, now, now);
  }

  private ReleasePipeline pipeline(int maximumPending, ReleaseAction... actions) {
    return new ReleasePipeline(
        executor, List.of(actions), recordFailures, maximumPending, time, time, () -> 0.5);
  }

  private static RetryPolicy policy(int attempts) {
    return RetryPolicy.newBuilder()
        .maxAttempts(attempts)
        .initialBackoff(Duration.ofMillis(100))
        .multiplier(2)
        .jitter(0)
        .maxTotalTime(Duration.ofMinutes(1))
        .build();
  }

  /** An action that fails retryably its first {@code failures} runs, then succeeds. */
  private static final class Flaky implements ReleaseAction {
    final AtomicInteger runs = new AtomicInteger();
    final int failures;
    final Duration retryAfter;

    Flaky(int failures, Duration retryAfter) {
      this.failures = failures;
      this.retryAfter = retryAfter;
    }

    @Override
    public CompletableFuture<?> run(Release release) {
      if (runs.incrementAndGet() <= failures) {
        IOException io = new IOException("refused");
        return CompletableFuture.failedFuture(
            retryAfter == null
                ? new RetryableReleaseException("try again", io)
                : new RetryableReleaseException("try again", io, retryAfter));
      }
      return CompletableFuture.completedFuture(null);
    }
  }

  @Test
  void actionsRunInOrderForEachReleaseAndNotOnTheSubmittingThread() {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    ReleasePipeline pipeline =
        pipeline(
            10,
            ReleaseAction.of(r -> log.add("seat:" + r.sessionKey())),
            ReleaseAction.of(r -> log.add("sso:" + r.attributes().get("user"))));

    pipeline.submit(release("a"));
    pipeline.submit(release("b"));
    assertThat(log).isEmpty();
    assertThat(pipeline.stats().pending()).isEqualTo(2);

    executor.runAll();

    assertThat(log).hasSize(4).containsSubsequence("seat:a", "sso:u-a").containsSubsequence("seat:b", "sso:u-b");
    assertThat(pipeline.stats()).isEqualTo(new ReleaseStats(2, 4, 2, 0, 0, 0, 0, 0));
  }

  @Test
  void nextActionWaitsForThePreviousActionsStageToComplete() {
    CompletableFuture<Void> slow = new CompletableFuture<>();
    List<String> log = new CopyOnWriteArrayList<>();
    ReleasePipeline pipeline =
        pipeline(10, r -> slow, ReleaseAction.of(r -> log.add("second")));

    pipeline.submit(release("a"));
    executor.runAll();
    assertThat(log).isEmpty();

    slow.complete(null);
    executor.runAll();
    assertThat(log).containsExactly("second");
    assertThat(pipeline.stats().succeeded()).isEqualTo(1);
  }

  @Test
  void anAttemptThatNeverCompletesFailsAtItsTimeoutAndTheReleaseGoesOn() {
    CompletableFuture<Void> hung = new CompletableFuture<>();
    List<String> log = new CopyOnWriteArrayList<>();
    ReleasePipeline pipeline =
        new ReleasePipeline(
            executor, List.of(r -> hung, ReleaseAction.of(r -> log.add("second"))),
            recordFailures, 1, Duration.ofSeconds(30), time, time, () -> 0.5);

    pipeline.submit(release("a"));
    executor.runAll();
    time.advance(Duration.ofSeconds(29));
    executor.runAll();
    assertThat(log).isEmpty();
    time.advance(Duration.ofSeconds(1));
    executor.runAll();

    assertThat(hung).isCancelled();
    assertThat(causes).singleElement().isInstanceOf(java.util.concurrent.TimeoutException.class);
    assertThat(log).containsExactly("second");
    assertThat(pipeline.stats().pending()).isZero();
    // the pending slot is free again
    pipeline.submit(release("b"));
    executor.runAll();
    assertThat(pipeline.stats().rejected()).isZero();
  }

  @Test
  void anActionThatCompletesAfterItsTimeoutIsNotCountedTwice() {
    CompletableFuture<Void> late = new CompletableFuture<>();
    ReleasePipeline pipeline =
        new ReleasePipeline(
            executor, List.of(r -> late.thenApply(v -> v)), recordFailures, 10,
            Duration.ofSeconds(1), time, time, () -> 0.5);

    pipeline.submit(release("a"));
    executor.runAll();
    time.advance(Duration.ofSeconds(1));
    executor.runAll();
    late.complete(null);
    executor.runAll();

    assertThat(pipeline.stats()).isEqualTo(new ReleaseStats(1, 1, 0, 0, 1, 0, 0, 0));
    assertThat(time.waiting()).isZero();
  }

  @Test
  void refusalsAreReportedWhileTheReleaseExecutorIsStuck() {
    Executor stuck = task -> {}; // takes tasks and never runs them
    ReleasePipeline pipeline =
        new ReleasePipeline(
            stuck, List.of(r -> CompletableFuture.completedFuture(null)), recordFailures, 1,
            time, time, () -> 0.5);

    pipeline.submit(release("a"));
    pipeline.submit(release("b"));
    pipeline.submit(release("c"));

    await().atMost(Duration.ofSeconds(5)).until(() -> failures.size() == 2);
    assertThat(failures).containsExactlyInAnyOrder("b", "c");
  }

  @Test
  void aFullPipelineWaitingForRoomTakesTheReleaseOnceOneEnds() throws Exception {
    CompletableFuture<Void> first = new CompletableFuture<>();
    ReleasePipeline pipeline =
        pipeline(1, r -> r.sessionKey().equals("a") ? first : CompletableFuture.completedFuture(null));
    pipeline.submit(release("a"));
    executor.runAll();
    pipeline.waitForRoomDuring(Duration.ofSeconds(30));

    CompletableFuture<Void> second = CompletableFuture.runAsync(() -> pipeline.submit(release("b")));
    Thread.onSpinWait();
    first.complete(null);
    executor.runAll();
    second.get(5, java.util.concurrent.TimeUnit.SECONDS);
    executor.runAll();

    assertThat(failures).isEmpty();
    assertThat(pipeline.stats().succeeded()).isEqualTo(2);
  }

  @Test
  void failedActionIsReportedAndTheNextActionStillRuns() {
    List<String> log = new CopyOnWriteArrayList<>();
    IllegalStateException boom = new IllegalStateException("seat service down");
    ReleasePipeline pipeline =
        pipeline(
            10,
            r -> {
              throw boom;
            },
            ReleaseAction.of(r -> log.add("second:" + r.sessionKey())));

    pipeline.submit(release("a"));
    executor.runAll();

    assertThat(log).containsExactly("second:a");
    assertThat(failures).containsExactly("a");
    assertThat(causes).containsExactly(boom);
    assertThat(pipeline.stats()).isEqualTo(new ReleaseStats(1, 2, 0, 0, 1, 0, 0, 0));
  }

  @Test
  void actionReturningANullStageFails() {
    ReleasePipeline pipeline = pipeline(10, r -> null);

    pipeline.submit(release("a"));
    executor.runAll();

    assertThat(causes).singleElement().isInstanceOf(NullPointerException.class);
    assertThat(pipeline.stats().failed()).isEqualTo(1);
  }

  @Test
  void failureListenerThatThrowsDoesNotHurtThePipeline() {
    AtomicInteger listened = new AtomicInteger();
    ReleasePipeline pipeline =
        new ReleasePipeline(
            executor,
            List.of(
                r -> {
                  throw new IOException("down");
                }),
            (release, cause) -> {
              listened.incrementAndGet();
              throw new IllegalStateException("listener bug");
            },
            10,
            time,
            time,
            () -> 0.5);

    pipeline.submit(release("a"));
    pipeline.submit(release("b"));
    executor.runAll();

    assertThat(listened).hasValue(2);
    assertThat(pipeline.stats().failed()).isEqualTo(2);
    assertThat(pipeline.stats().pending()).isZero();
  }

  @Test
  void submitterLearnsWhetherTheActionsRanToTheirEnd() {
    ReleasePipeline pipeline =
        pipeline(
            2,
            r -> {
              if (r.sessionKey().equals("ok")) {
                return CompletableFuture.completedFuture(null);
              }
              if (r.sessionKey().equals("bad")) {
                return CompletableFuture.failedFuture(new IllegalStateException("no"));
              }
              return new CompletableFuture<>();
            });
    CompletableFuture<Boolean> ok = new CompletableFuture<>();
    CompletableFuture<Boolean> bad = new CompletableFuture<>();
    pipeline.submit(release("ok"), ok);
    pipeline.submit(release("bad"), bad);
    executor.runAll();
    assertThat(ok).isCompletedWithValue(true);
    assertThat(bad).as("failed for good and reported: over").isCompletedWithValue(true);

    CompletableFuture<Boolean> hangs = new CompletableFuture<>();
    CompletableFuture<Boolean> refused = new CompletableFuture<>();
    pipeline.submit(release("hangs"), hangs);
    pipeline.submit(release("hangs too"), new CompletableFuture<>());
    pipeline.submit(release("refused"), refused);
    executor.runAll();
    assertThat(refused).isCompletedWithValue(false);
    assertThat(hangs).isNotDone();

    pipeline.close(Duration.ZERO);
    assertThat(hangs).as("abandoned at shutdown").isCompletedWithValue(false);
    CompletableFuture<Boolean> late = new CompletableFuture<>();
    pipeline.submit(release("late"), late);
    assertThat(late).isCompletedWithValue(false);
  }

  @Test
  void releaseWhoseExecutorRefusedItsActionsIsNotToldAsActed() {
    ReleasePipeline pipeline =
        new ReleasePipeline(
            task -> {
              throw new RejectedExecutionException("shut down");
            },
            List.of(ReleaseAction.of(r -> {})),
            recordFailures,
            10,
            time,
            time,
            () -> 0.5);
    CompletableFuture<Boolean> acted = new CompletableFuture<>();

    pipeline.submit(release("a"), acted);

    assertThat(acted).isCompletedWithValue(false);
    assertThat(failures).containsExactly("a");
  }

  @Test
  void releaseBeyondMaximumPendingIsRefusedAndReported() {
    ReleasePipeline pipeline = pipeline(2, r -> new CompletableFuture<>());

    pipeline.submit(release("a"));
    pipeline.submit(release("b"));
    pipeline.submit(release("c"));
    executor.runAll();

    // reported on the pipeline's reports thread, not on the (possibly stuck) release executor
    await().atMost(Duration.ofSeconds(5)).until(() -> !failures.isEmpty());
    assertThat(failures).containsExactly("c");
    assertThat(causes).singleElement().isInstanceOf(RejectedExecutionException.class);
    assertThat(causes.get(0)).hasMessageContaining("pending queue is full");
    assertThat(pipeline.stats()).isEqualTo(new ReleaseStats(3, 2, 0, 0, 1, 2, 0, 1));
  }

  @Test
  void submitNeverThrows() {
    ReleasePipeline pipeline = pipeline(1, r -> CompletableFuture.completedFuture(null));

    assertThatCode(() -> pipeline.submit(null)).doesNotThrowAnyException();
    pipeline.close(Duration.ZERO);
    assertThatCode(() -> pipeline.submit(release("late"))).doesNotThrowAnyException();
  }

  @Test
  void retryableFailureIsRetriedWithExponentialBackoff() {
    Flaky flaky = new Flaky(3, null);
    ReleasePipeline pipeline = pipeline(10, flaky.withRetryPolicy(policy(5)));

    pipeline.submit(release("a"));
    executor.runAll();
    assertThat(flaky.runs).hasValue(1);

    time.advance(Duration.ofMillis(99));
    executor.runAll();
    assertThat(flaky.runs).hasValue(1);
    time.advance(Duration.ofMillis(1));
    executor.runAll();
    assertThat(flaky.runs).hasValue(2);

    time.advance(Duration.ofMillis(199));
    executor.runAll();
    assertThat(flaky.runs).hasValue(2);
    time.advance(Duration.ofMillis(1));
    executor.runAll();
    assertThat(flaky.runs).hasValue(3);

    time.advance(Duration.ofMillis(399));
    executor.runAll();
    assertThat(flaky.runs).hasValue(3);
    time.advance(Duration.ofMillis(1));
    executor.runAll();
    assertThat(flaky.runs).hasValue(4);

    assertThat(failures).isEmpty();
    assertThat(pipeline.stats()).isEqualTo(new ReleaseStats(1, 4, 1, 3, 0, 0, 0, 0));
  }

  @Test
  void retryAfterReplacesTheBackoff() {
    Flaky flaky = new Flaky(1, Duration.ofSeconds(7));
    ReleasePipeline pipeline = pipeline(10, flaky.withRetryPolicy(policy(5)));

    pipeline.submit(release("a"));
    executor.runAll();
    time.advance(Duration.ofMillis(6_999));
    executor.runAll();
    assertThat(flaky.runs).hasValue(1);

    time.advance(Duration.ofMillis(1));
    executor.runAll();
    assertThat(flaky.runs).hasValue(2);
    assertThat(pipeline.stats().succeeded()).isEqualTo(1);
  }

  @Test
  void retriesStopAtMaxAttemptsAndTheLastFailureIsReported() {
    Flaky flaky = new Flaky(Integer.MAX_VALUE, null);
    ReleasePipeline pipeline = pipeline(10, flaky.withRetryPolicy(policy(3)));

    pipeline.submit(release("a"));
    executor.runAll();
    time.advance(Duration.ofSeconds(10));
    executor.runAll();
    time.advance(Duration.ofSeconds(10));
    executor.runAll();

    assertThat(flaky.runs).hasValue(3);
    assertThat(failures).containsExactly("a");
    assertThat(causes).singleElement().isInstanceOf(RetryableReleaseException.class);
    assertThat(causes.get(0)).hasCauseInstanceOf(IOException.class);
    assertThat(time.waiting()).isZero();
    assertThat(pipeline.stats()).isEqualTo(new ReleaseStats(1, 3, 0, 2, 1, 0, 0, 0));
  }

  @Test
  void retryThatWouldStartAfterTheMaximumTotalTimeIsNotMade() {
    Flaky flaky = new Flaky(Integer.MAX_VALUE, Duration.ofSeconds(30));
    RetryPolicy policy = policy(10).toBuilder().maxTotalTime(Duration.ofSeconds(45)).build();
    ReleasePipeline pipeline = pipeline(10, flaky.withRetryPolicy(policy));

    pipeline.submit(release("a"));
    executor.runAll();
    time.advance(Duration.ofSeconds(30));
    executor.runAll();

    assertThat(flaky.runs).hasValue(2);
    assertThat(failures).containsExactly("a");
    assertThat(time.waiting()).isZero();
  }

  @Test
  void nonRetryableFailureIsNotRetried() {
    AtomicInteger runs = new AtomicInteger();
    ReleaseAction action =
        ((ReleaseAction)
                r -> {
                  runs.incrementAndGet();
                  return CompletableFuture.failedFuture(new IllegalArgumentException("HTTP 400"));
                })
            .withRetryPolicy(policy(5));
    ReleasePipeline pipeline = pipeline(10, action);

    pipeline.submit(release("a"));
    executor.runAll();
    time.advance(Duration.ofMinutes(5));
    executor.runAll();

    assertThat(runs).hasValue(1);
    assertThat(causes).singleElement().isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void actionWithoutARetryPolicyIsNotRetried() {
    Flaky flaky = new Flaky(1, null);
    ReleasePipeline pipeline = pipeline(10, flaky);

    pipeline.submit(release("a"));
    executor.runAll();
    time.advance(Duration.ofMinutes(5));
    executor.runAll();

    assertThat(flaky.runs).hasValue(1);
    assertThat(failures).containsExactly("a");
  }

  @Test
  void closeAbandonsPendingReleasesCancelsTheirActionsAndReportsThem() {
    List<CompletableFuture<Void>> running = new CopyOnWriteArrayList<>();
    ReleasePipeline pipeline =
        pipeline(
            10,
            r -> {
              CompletableFuture<Void> future = new CompletableFuture<>();
              running.add(future);
              return future;
            });
    pipeline.submit(release("a"));
    pipeline.submit(release("b"));
    executor.runAll();

    pipeline.close(Duration.ZERO);

    assertThat(failures).containsExactlyInAnyOrder("a", "b");
    assertThat(causes).allMatch(c -> c instanceof CancellationException);
    assertThat(running).allMatch(CompletableFuture::isCancelled);
    executor.runAll();
    assertThat(pipeline.stats()).isEqualTo(new ReleaseStats(2, 2, 0, 0, 0, 0, 2, 0));
  }

  @Test
  void closeCancelsAWaitingRetry() {
    Flaky flaky = new Flaky(Integer.MAX_VALUE, null);
    ReleasePipeline pipeline = pipeline(10, flaky.withRetryPolicy(policy(5)));
    pipeline.submit(release("a"));
    executor.runAll();
    assertThat(time.waiting()).isEqualTo(1);

    pipeline.close(Duration.ZERO);
    time.advance(Duration.ofMinutes(1));
    executor.runAll();

    assertThat(flaky.runs).hasValue(1);
    assertThat(failures).containsExactly("a");
    assertThat(pipeline.stats().abandoned()).isEqualTo(1);
  }

  @Test
  void releaseSubmittedAfterCloseIsRefusedAndReported() {
    ReleasePipeline pipeline = pipeline(10, r -> CompletableFuture.completedFuture(null));
    pipeline.close(Duration.ZERO);

    pipeline.submit(release("late"));
    executor.runAll();

    await().atMost(Duration.ofSeconds(5)).until(() -> !failures.isEmpty());
    assertThat(failures).containsExactly("late");
    assertThat(causes).singleElement().isInstanceOf(RejectedExecutionException.class);
    assertThat(pipeline.stats().rejected()).isEqualTo(1);
  }

  @Test
  void closeWaitsForPendingActionsToFinish() {
    CompletableFuture<Void> logout = new CompletableFuture<>();
    ReleasePipeline pipeline =
        new ReleasePipeline(
            null, List.of(r -> logout), recordFailures, 10, time, time, () -> 0.5);
    pipeline.submit(release("a"));
    await().atMost(Duration.ofSeconds(5)).until(() -> pipeline.stats().attempted() == 1);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> pipeline.close(Duration.ofSeconds(30)));
    assertThat(closing).isNotDone();
    logout.complete(null);

    await().atMost(Duration.ofSeconds(5)).until(closing::isDone);
    assertThat(failures).isEmpty();
    assertThat(pipeline.stats().succeeded()).isEqualTo(1);
    assertThat(pipeline.stats().abandoned()).isZero();
  }

  @Test
  void ownThreadsAreNamedDaemonThreads() {
    List<Thread> threads = new CopyOnWriteArrayList<>();
    ReleasePipeline pipeline =
        new ReleasePipeline(
            null,
            List.of(ReleaseAction.of(r -> threads.add(Thread.currentThread()))),
            recordFailures,
            10,
            time,
            time,
            () -> 0.5);

    pipeline.submit(release("a"));
    await().atMost(Duration.ofSeconds(5)).until(() -> threads.size() == 1);
    pipeline.close(Duration.ofSeconds(1));

    assertThat(threads.get(0).getName()).startsWith("farewell-release-");
    assertThat(threads.get(0).isDaemon()).isTrue();
  }

  @Test
  void givenExecutorIsNotShutDown() {
    ExecutorService given = Executors.newSingleThreadExecutor();
    try {
      ReleasePipeline pipeline =
          new ReleasePipeline(
              given, List.of(r -> null), recordFailures, 10, time, time, () -> 0.5);
      pipeline.close(Duration.ZERO);
      assertThat(given.isShutdown()).isFalse();
    } finally {
      given.shutdownNow();
    }
  }

  @Test
  void backoffGrowsUpToItsMaximumAndJitterStaysWithinItsSpread() {
    RetryPolicy policy =
        RetryPolicy.newBuilder()
            .initialBackoff(Duration.ofMillis(100))
            .maxBackoff(Duration.ofMillis(350))
            .multiplier(2)
            .jitter(0.2)
            .build();

    assertThat(Durations.backoff(policy, 1, 0.5)).isEqualTo(Duration.ofMillis(100));
    assertThat(Durations.backoff(policy, 2, 0.5)).isEqualTo(Duration.ofMillis(200));
    assertThat(Durations.backoff(policy, 3, 0.5)).isEqualTo(Duration.ofMillis(350));
    assertThat(Durations.backoff(policy, 60, 0.5)).isEqualTo(Duration.ofMillis(350));
    assertThat(Durations.backoff(policy, 1, 0.0)).isEqualTo(Duration.ofMillis(80));
    assertThat(Durations.backoff(policy, 1, 0.999_999)).isBetween(
        Duration.ofMillis(119), Duration.ofMillis(120));
  }
}
