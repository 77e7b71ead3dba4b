package dev.farewell.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.Release;
import dev.farewell.ReleaseAction;
import dev.farewell.ReleaseStats;
import dev.farewell.RetryPolicy;
import dev.farewell.internal.ReleaseDispatcher;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;

/** Many releases against an endpoint that fails now and then: none lost, none doubled. */
class ManyReleasesTest {
  private static final int RELEASES = 10_000;

  @Test
  void tenThousandReleasesAgainstAFlakyEndpointEachEndOnceInSuccessOrTheFailureListener() {
    SplittableRandom random = new SplittableRandom(20260101);
    Map<String, AtomicInteger> successesByKey = new ConcurrentHashMap<>();
    AtomicInteger calls = new AtomicInteger();
    // 1% of calls fail: half with a retryable 503, half with a final 400.
    try (Endpoint endpoint =
        new Endpoint(
            request -> {
              calls.incrementAndGet();
              double draw;
              synchronized (random) {
                draw = random.nextDouble();
              }
              if (draw < 0.005) {
                return Endpoint.status(503);
              }
              if (draw < 0.01) {
                return Endpoint.status(400);
              }
              successesByKey
                  .computeIfAbsent(request.getHeaders().get("X-Session"), k -> new AtomicInteger())
                  .incrementAndGet();
              return new MockResponse.Builder().code(200).build();
            })) {
      HttpReleaseAction logout =
          HttpReleaseAction.newBuilder()
              .url(endpoint.url("/logout"))
              .header("X-Session", "${sessionKey}")
              .retryPolicy(
                  RetryPolicy.newBuilder()
                      .maxAttempts(3)
                      .initialBackoff(Duration.ofMillis(5))
                      .maxTotalTime(Duration.ofSeconds(30))
                      .build())
              .build();
      Map<String, AtomicInteger> actionRunsByKey = new ConcurrentHashMap<>();
      ReleaseAction counter =
          ReleaseAction.of(
              r -> actionRunsByKey.computeIfAbsent(r.sessionKey(), k -> new AtomicInteger()).incrementAndGet());
      ConcurrentLinkedQueue<String> reported = new ConcurrentLinkedQueue<>();
      ReleaseDispatcher pipeline =
          new ReleaseDispatcher(
              null,
              List.of(logout, counter),
              (release, cause) -> reported.add(release.sessionKey()),
              2 * RELEASES);
      try {
        for (int i = 0; i < RELEASES; i++) {
          pipeline.submit(Releases.of("s-" + i));
        }
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> pipeline.stats().pending() == 0 && actionRunsByKey.size() == RELEASES);

        ReleaseStats stats = pipeline.stats();
        Set<String> all = new HashSet<>();
        for (int i = 0; i < RELEASES; i++) {
          all.add("s-" + i);
        }
        Set<String> failedKeys = new HashSet<>(reported);
        assertThat(reported).as("each failure reported once").hasSize(failedKeys.size());
        assertThat(successesByKey.values()).as("no release logged out twice").allMatch(n -> n.get() == 1);
        assertThat(actionRunsByKey.values()).as("each release ran once").allMatch(n -> n.get() == 1);
        assertThat(failedKeys).doesNotContainAnyElementsOf(successesByKey.keySet());
        Set<String> ended = new HashSet<>(failedKeys);
        ended.addAll(successesByKey.keySet());
        assertThat(ended).as("every release ended").isEqualTo(all);
        assertThat(stats.released()).isEqualTo(RELEASES);
        assertThat(stats.succeeded()).isEqualTo(successesByKey.size());
        assertThat(stats.failed()).isEqualTo(failedKeys.size());
        assertThat(stats.attempted()).isEqualTo(calls.get() + RELEASES);
        assertThat(stats.retried()).isPositive();
        assertThat(failedKeys).isNotEmpty();
      } finally {
        pipeline.close(Duration.ZERO);
      }
    }
  }
}
