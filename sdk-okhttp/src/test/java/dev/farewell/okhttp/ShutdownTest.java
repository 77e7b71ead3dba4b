package dev.farewell.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.Release;
import dev.farewell.internal.ReleaseDispatcher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class ShutdownTest {

  @Test
  void closeWithPendingReleasesReturnsWithinItsTimeoutAndReportsTheAbandonedOnes()
      throws Exception {
    CountDownLatch hang = new CountDownLatch(1);
    OkHttpClient client = new OkHttpClient();
    List<Release> failed = new CopyOnWriteArrayList<>();
    List<Throwable> causes = new CopyOnWriteArrayList<>();
    try (Endpoint endpoint =
        new Endpoint(
            request -> {
              try {
                hang.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return Endpoint.status(200);
            })) {
      try {
        abandonsWhatOutlastsTheTimeout(endpoint, client, failed, causes);
      } finally {
        hang.countDown(); // lets the server's threads go before it closes
      }
    }
  }

  private static void abandonsWhatOutlastsTheTimeout(
      Endpoint endpoint, OkHttpClient client, List<Release> failed, List<Throwable> causes) {
    HttpReleaseAction logout =
        HttpReleaseAction.newBuilder()
            .url(endpoint.url("/logout"))
            .client(client)
            .callTimeout(Duration.ofSeconds(30))
            .build();
    ReleaseDispatcher pipeline =
        new ReleaseDispatcher(
            null,
            List.of(logout),
            (release, cause) -> {
              failed.add(release);
              causes.add(cause);
            },
            1_000);
    for (int i = 0; i < 50; i++) {
      pipeline.submit(Releases.of("s-" + i));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.stats().attempted() == 50);

    long start = System.nanoTime();
    pipeline.close(Duration.ofMillis(500));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isBetween(Duration.ofMillis(500), Duration.ofSeconds(3));
    assertThat(failed).hasSize(50);
    assertThat(causes).allMatch(c -> c instanceof CancellationException);
    assertThat(pipeline.stats().abandoned()).isEqualTo(50);
    assertThat(pipeline.stats().pending()).isZero();
    // The abandoned calls are cancelled, not left running.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> client.dispatcher().runningCallsCount() == 0);
    assertThat(client.dispatcher().queuedCallsCount()).isZero();
  }

  @Test
  void closeWaitsForReleasesThatFinishWithinTheTimeout() {
    try (Endpoint endpoint =
        new Endpoint(
            request -> new MockResponse.Builder().code(200).headersDelay(300, TimeUnit.MILLISECONDS).build())) {
      List<Release> failed = new CopyOnWriteArrayList<>();
      ReleaseDispatcher pipeline =
          new ReleaseDispatcher(
              null,
              List.of(HttpReleaseAction.newBuilder().url(endpoint.url("/logout")).build()),
              (release, cause) -> failed.add(release),
              1_000);
      for (int i = 0; i < 10; i++) {
        pipeline.submit(Releases.of("s-" + i));
      }

      pipeline.close(Duration.ofSeconds(20));

      assertThat(pipeline.stats().succeeded()).isEqualTo(10);
      assertThat(pipeline.stats().abandoned()).isZero();
      assertThat(failed).isEmpty();
      assertThat(endpoint.arrivals).hasSize(10);
    }
  }
}
