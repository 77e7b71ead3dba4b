package dev.farewell.okhttp;

import static dev.farewell.okhttp.Endpoint.inTurn;
import static dev.farewell.okhttp.Endpoint.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.Release;
import dev.farewell.ReleaseStats;
import dev.farewell.RetryPolicy;
import dev.farewell.RetryableReleaseException;
import dev.farewell.internal.ReleaseDispatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The action driven by the real release pipeline against real HTTP servers. */
class HttpReleaseActionTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<Release> failed = new CopyOnWriteArrayList<>();
  private final List<Throwable> causes = new CopyOnWriteArrayList<>();
  private ReleaseDispatcher dispatcher;

  @AfterEach
  void closeEverything() throws Exception {
    if (dispatcher != null) {
      dispatcher.close(Duration.ZERO);
    }
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
  }

  private Endpoint endpoint(MockResponse... responses) {
    Endpoint endpoint = new Endpoint(inTurn(responses));
    closeables.add(endpoint);
    return endpoint;
  }

  private ReleaseDispatcher pipeline(HttpReleaseAction action) {
    dispatcher =
        new ReleaseDispatcher(
            null,
            List.of(action),
            (release, cause) -> {
              failed.add(release);
              causes.add(cause);
            },
            1_000);
    return dispatcher;
  }

  private static RetryPolicy quickRetries() {
    return RetryPolicy.newBuilder()
        .maxAttempts(5)
        .initialBackoff(Duration.ofMillis(100))
        .multiplier(2)
        .jitter(0)
        .maxTotalTime(Duration.ofSeconds(20))
        .build();
  }

  private static void awaitSettled(ReleaseDispatcher pipeline, int releases) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              ReleaseStats stats = pipeline.stats();
              return stats.pending() == 0
                  && stats.succeeded() + stats.failed() + stats.abandoned() == releases;
            });
  }

  @Test
  void crossDomainRedirectIsFollowedAndTheFinalEndpointIsCalledOnce() {
    Endpoint identityServer = endpoint(status(204));
    Endpoint logout =
        endpoint(
            new MockResponse.Builder()
                .code(302)
                .setHeader("Location", identityServer.url("localhost", "/sso/logout?done=1"))
                .build());
    HttpReleaseAction action =
        HttpReleaseAction.newBuilder()
            .url(logout.url("127.0.0.1", "/app/logout?ticket=${attributes.ticket}"))
            .build();
    ReleaseDispatcher pipeline = pipeline(action);

    pipeline.submit(Releases.of("s-1", Map.of("ticket", "T-1")));
    awaitSettled(pipeline, 1);

    assertThat(pipeline.stats().succeeded()).isEqualTo(1);
    assertThat(logout.arrivals).hasSize(1);
    assertThat(identityServer.arrivals).hasSize(1);
    var finalRequest = identityServer.arrivals.get(0).request();
    assertThat(finalRequest.getUrl().host()).isEqualTo("localhost");
    assertThat(finalRequest.getUrl().encodedPath()).isEqualTo("/sso/logout");
    assertThat(logout.arrivals.get(0).request().getUrl().queryParameter("ticket")).isEqualTo("T-1");
    assertThat(failed).isEmpty();
  }

  @Test
  void serverErrorsAreRetriedWithBackoffUntilTheyPass() {
    Endpoint endpoint = endpoint(status(503), status(503), status(503), status(200));
    HttpReleaseAction action =
        HttpReleaseAction.newBuilder()
            .url(endpoint.url("/logout"))
            .retryPolicy(quickRetries())
            .build();
    ReleaseDispatcher pipeline = pipeline(action);

    pipeline.submit(Releases.of("s-1"));
    awaitSettled(pipeline, 1);

    assertThat(pipeline.stats()).isEqualTo(new ReleaseStats(1, 4, 1, 3, 0, 0, 0, 0));
    assertThat(endpoint.arrivals).hasSize(4);
    for (int retry = 1; retry <= 3; retry++) {
      long gap = endpoint.arrivals.get(retry).nanos() - endpoint.arrivals.get(retry - 1).nanos();
      long backoff = TimeUnit.MILLISECONDS.toNanos(100L << (retry - 1));
      assertThat(gap).as("gap before retry %d", retry).isGreaterThanOrEqualTo(backoff);
    }
    assertThat(endpoint.arrivals)
        .extracting(arrival -> arrival.request().getHeaders().get("Idempotency-Key"))
        .doesNotContainNull()
        .containsOnly(endpoint.arrivals.get(0).request().getHeaders().get("Idempotency-Key"));
    assertThat(failed).isEmpty();
  }

  @Test
  void tooManyRequestsWaitsForItsRetryAfter() {
    Endpoint endpoint =
        endpoint(
            new MockResponse.Builder().code(429).setHeader("Retry-After", "1").build(),
            status(200));
    HttpReleaseAction action =
        HttpReleaseAction.newBuilder()
            .url(endpoint.url("/logout"))
            .retryPolicy(quickRetries().toBuilder().initialBackoff(Duration.ofMillis(10)).build())
            .build();
    ReleaseDispatcher pipeline = pipeline(action);

    pipeline.submit(Releases.of("s-1"));
    awaitSettled(pipeline, 1);

    assertThat(endpoint.arrivals).hasSize(2);
    long gap = endpoint.arrivals.get(1).nanos() - endpoint.arrivals.get(0).nanos();
    assertThat(Duration.ofNanos(gap)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(pipeline.stats().succeeded()).isEqualTo(1);
  }

  @Test
  void retryAfterBeyondTheMaximumTotalTimeFailsAtOnce() {
    Endpoint endpoint =
        endpoint(new MockResponse.Builder().code(503).setHeader("Retry-After", "3600").build());
    HttpReleaseAction action =
        HttpReleaseAction.newBuilder().url(endpoint.url("/logout")).retryPolicy(quickRetries()).build();
    ReleaseDispatcher pipeline = pipeline(action);

    pipeline.submit(Releases.of("s-1"));
    awaitSettled(pipeline, 1);

    assertThat(endpoint.arrivals).hasSize(1);
    assertThat(causes).singleElement().isInstanceOf(RetryableReleaseException.class);
    assertThat(((RetryableReleaseException) causes.get(0)).retryAfter()).contains(Duration.ofHours(1));
  }

  @Test
  void clientErrorIsNotRetriedAndReachesTheFailureListener() {
    Endpoint endpoint = endpoint(status(400), status(200));
    HttpReleaseAction action =
        HttpReleaseAction.newBuilder().url(endpoint.url("/logout")).retryPolicy(quickRetries()).build();
    ReleaseDispatcher pipeline = pipeline(action);

    pipeline.submit(Releases.of("s-1"));
    await().atMost(WAIT).until(() -> !failed.isEmpty());

    assertThat(failed).extracting(Release::sessionKey).containsExactly("s-1");
    assertThat(causes).singleElement().isInstanceOf(HttpStatusException.class);
    assertThat(((HttpStatusException) causes.get(0)).code()).isEqualTo(400);
    assertThat(endpoint.arrivals).hasSize(1);
    assertThat(pipeline.stats()).isEqualTo(new ReleaseStats(1, 1, 0, 0, 1, 0, 0, 0));
  }

  @Test
  void exhaustedRetriesReachTheFailureListenerWithTheLastStatus() {
    Endpoint endpoint = endpoint(status(500));
    HttpReleaseAction action =
        HttpReleaseAction.newBuilder()
            .url(endpoint.url("/logout"))
            .retryPolicy(quickRetries().toBuilder().maxAttempts(3).initialBackoff(Duration.ofMillis(20)).build())
            .build();
    ReleaseDispatcher pipeline = pipeline(action);

    pipeline.submit(Releases.of("s-1"));
    awaitSettled(pipeline, 1);

    assertThat(endpoint.arrivals).hasSize(3);
    assertThat(causes).singleElement().isInstanceOf(RetryableReleaseException.class);
    assertThat(causes.get(0).getCause()).isInstanceOf(HttpStatusException.class);
    assertThat(pipeline.stats()).isEqualTo(new ReleaseStats(1, 3, 0, 2, 1, 0, 0, 0));
  }

  @Test
  void brokenConnectionIsRetried() {
    Endpoint endpoint =
        endpoint(
            new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build(),
            status(200));
    // Without OkHttp's own silent retry, the pipeline's retry is the one that recovers.
    OkHttpClient client = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
    HttpReleaseAction action =
        HttpReleaseAction.newBuilder()
            .url(endpoint.url("/logout"))
            .client(client)
            .retryPolicy(quickRetries())
            .build();
    ReleaseDispatcher pipeline = pipeline(action);

    pipeline.submit(Releases.of("s-1"));
    awaitSettled(pipeline, 1);

    assertThat(pipeline.stats().succeeded()).isEqualTo(1);
    assertThat(pipeline.stats().retried()).isEqualTo(1);
    assertThat(failed).isEmpty();
  }

  @Test
  void attemptThatOutlastsTheCallTimeoutIsRetried() {
    Endpoint endpoint =
        endpoint(
            new MockResponse.Builder().code(200).headersDelay(3, TimeUnit.SECONDS).build(),
            status(200));
    HttpReleaseAction action =
        HttpReleaseAction.newBuilder()
            .url(endpoint.url("/logout"))
            .callTimeout(Duration.ofMillis(300))
            .retryPolicy(quickRetries())
            .build();
    ReleaseDispatcher pipeline = pipeline(action);

    pipeline.submit(Releases.of("s-1"));
    awaitSettled(pipeline, 1);

    assertThat(pipeline.stats().succeeded()).isEqualTo(1);
    assertThat(pipeline.stats().attempted()).isEqualTo(2);
  }

  @Test
  void templatesPutEncodedValuesInTheUrlHeadersAndJsonBody() {
    Endpoint endpoint = endpoint(status(200));
    HttpReleaseAction action =
        HttpReleaseAction.newBuilder()
            .url(endpoint.url("/users/${attributes.user}/logout?ticket=${attributes.ticket}&why=${reason}"))
            .header("X-Session", "${sessionKey}")
            .jsonBody("{\"ticket\":\"${attributes.ticket}\",\"note\":\"${attributes.note}\"}")
            .build();
    ReleaseDispatcher pipeline = pipeline(action);
    Release release =
        Releases.of(
            "s-1",
            Map.of("user", "a/b c", "ticket", "T&x=1#?", "note", "He said \"hi\"\\\n\u0001"));

    pipeline.submit(release);
    awaitSettled(pipeline, 1);

    var request = endpoint.arrivals.get(0).request();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/users/a%2Fb%20c/logout");
    assertThat(request.getUrl().queryParameter("ticket")).isEqualTo("T&x=1#?");
    assertThat(request.getUrl().queryParameter("why")).isEqualTo("EXIT");
    assertThat(request.getHeaders().get("X-Session")).isEqualTo("s-1");
    assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(request.getBody().utf8())
        .isEqualTo("{\"ticket\":\"T&x=1#?\",\"note\":\"He said \\\"hi\\\"\\\\\\n\\u0001\"}");
    assertThat(request.getHeaders().get("Idempotency-Key"))
        .isEqualTo(HttpReleaseAction.idempotencyKey(release));
  }

  @Test
  void formBodyValuesAreFormEncoded() {
    Endpoint endpoint = endpoint(status(200));
    HttpReleaseAction action =
        HttpReleaseAction.newBuilder()
            .url(endpoint.url("/logout"))
            .method("PUT")
            .formBody("ticket=${attributes.ticket}&session=${sessionKey}")
            .idempotencyKeyHeader(null)
            .build();
    ReleaseDispatcher pipeline = pipeline(action);

    pipeline.submit(Releases.of("s 1", Map.of("ticket", "a&b=c")));
    awaitSettled(pipeline, 1);

    var request = endpoint.arrivals.get(0).request();
    assertThat(request.getMethod()).isEqualTo("PUT");
    assertThat(request.getBody().utf8()).isEqualTo("ticket=a%26b%3Dc&session=s+1");
    assertThat(request.getHeaders().get("Idempotency-Key")).isNull();
  }

  @Test
  void releaseWithoutAnAttributeTheTemplateNeedsFailsWithoutACall() {
    Endpoint endpoint = endpoint(status(200));
    HttpReleaseAction action =
        HttpReleaseAction.newBuilder()
            .url(endpoint.url("/logout?ticket=${attributes.ticket}"))
            .retryPolicy(quickRetries())
            .build();
    ReleaseDispatcher pipeline = pipeline(action);

    pipeline.submit(Releases.of("s-1"));
    awaitSettled(pipeline, 1);

    assertThat(endpoint.arrivals).isEmpty();
    assertThat(causes).singleElement().isInstanceOf(IllegalArgumentException.class);
    assertThat(causes.get(0)).hasMessageContaining("no attribute 'ticket'");
  }
}
