package dev.farewell.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.ReleaseStats;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real engine with a logout endpoint that never answers. */
class HangingEndpointTest {
  private static final int RELEASES = 1_000;

  @Test
  void hangingLogoutEndpointDoesNotDelayHeartbeatsWhileAThousandReleasesWaitOnIt() {
    CountDownLatch hang = new CountDownLatch(1);
    try (Endpoint endpoint =
        new Endpoint(
            request -> {
              try {
                hang.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return Endpoint.status(200);
            })) {
      try {
        heartbeatsStayQuick(endpoint);
      } finally {
        hang.countDown();
      }
    }
  }

  private static void heartbeatsStayQuick(Endpoint endpoint) {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Farewell farewell =
        Farewell.newBuilder()
            .releaseAction(
                HttpReleaseAction.newBuilder()
                    .url(endpoint.url("/logout?session=${sessionKey}"))
                    .callTimeout(Duration.ofSeconds(60))
                    .build())
            .onReleaseFailure((release, cause) -> failures.add(cause))
            .shutdownTimeout(Duration.ofMillis(300))
            .build();
    try {
      for (int i = 0; i < RELEASES; i++) {
        farewell.track("gone-" + i);
      }
      farewell.track("alive");
      assertThat(farewell.signal(Signal.of(SignalType.OPEN, "alive", "page-1", 0)).accepted())
          .isTrue();

      // The releases are handed over while the live page keeps beating.
      CompletableFuture<Void> releasing =
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < RELEASES; i++) {
                  farewell.release("gone-" + i);
                }
              });
      List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
      long sequence = 1;
      while (!releasing.isDone() || farewell.stats().actions().attempted() < RELEASES) {
        sequence = beat(farewell, sequence, latencies);
      }
      for (int i = 0; i < 200; i++) {
        sequence = beat(farewell, sequence, latencies);
      }

      ReleaseStats stats = farewell.stats().actions();
      assertThat(stats.released()).isEqualTo(RELEASES);
      assertThat(stats.pending()).as("all releases still wait on the endpoint").isEqualTo(RELEASES);
      assertThat(stats.succeeded() + stats.failed()).isZero();
      long slowest = latencies.stream().mapToLong(Long::longValue).max().orElseThrow();
      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf(
          "%d heartbeats answered while %d releases waited: median %.3f ms, p99 %.3f ms,"
              + " slowest %.3f ms (beat #%d)%n",
          sorted.length,
          RELEASES,
          sorted[sorted.length / 2] / 1e6,
          sorted[(int) (sorted.length * 0.99)] / 1e6,
          slowest / 1e6,
          latencies.indexOf(slowest));
      // A signal is a map update that never waits on a release action (the hanging call would
      // hold it for 60 s). The bounds leave room for a loaded shared machine, where a thread
      // can be descheduled for a few hundred milliseconds: 99% of beats must take under 50 ms,
      // and none may come near the heartbeat interval.
      assertThat(Duration.ofNanos(sorted[(int) (sorted.length * 0.99)]))
          .isLessThan(Duration.ofMillis(50));
      assertThat(Duration.ofNanos(slowest)).isLessThan(farewell.rules().heartbeatInterval());
      assertThat(farewell.session("alive")).isPresent();
    } finally {
      long start = System.nanoTime();
      farewell.close();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> failures.size() == RELEASES);
    assertThat(failures).allMatch(cause -> cause instanceof CancellationException);
    assertThat(farewell.stats().actions().abandoned()).isEqualTo(RELEASES);
  }

  private static long beat(Farewell farewell, long sequence, List<Long> latencies) {
    long start = System.nanoTime();
    SignalResult result = farewell.signal(Signal.of(SignalType.HEARTBEAT, "alive", "page-1", sequence));
    latencies.add(System.nanoTime() - start);
    assertThat(result.status()).isEqualTo(SignalResult.Status.LIVE);
    assertThat(result.accepted()).isTrue();
    return sequence + 1;
  }
}
