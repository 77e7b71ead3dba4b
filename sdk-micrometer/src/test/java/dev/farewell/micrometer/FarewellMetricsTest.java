package dev.farewell.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.ReleaseAction;
import dev.farewell.RetryPolicy;
import dev.farewell.RetryableReleaseException;
import dev.farewell.Signal;
import dev.farewell.SignalType;
import dev.farewell.beacon.BeaconHandler;
import dev.farewell.beacon.BeaconRequest;
import dev.farewell.beacon.PageTokens;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real engine and beacon handler, bound to a real registry: the meters move as they work. */
class FarewellMetricsTest {

  private final AtomicLong nanos = new AtomicLong();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Farewell farewell =
      Farewell.newBuilder().ticker(nanos::get).releaseExecutor(Runnable::run).build();

  @AfterEach
  void close() {
    farewell.close();
  }

  private void open(String sessionKey, String pageId) {
    farewell.signal(Signal.of(SignalType.OPEN, sessionKey, pageId, 0));
  }

  private void elapse(Duration duration) {
    nanos.addAndGet(duration.toNanos());
    farewell.cleanUp();
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  @Test
  void sessionsPagesAndSignalsFollowTheEngine() {
    new FarewellMetrics(farewell).bindTo(registry);

    open("s1", "p1");
    open("s1", "p2");
    open("s2", "p1");
    farewell.signal(Signal.of(SignalType.HEARTBEAT, "s2", "p1", 0)); // not newer: ignored

    assertThat(gauge("farewell.sessions")).isEqualTo(2);
    assertThat(gauge("farewell.pages")).isEqualTo(3);
    assertThat(counter("farewell.signals", "type", "open", "outcome", "accepted")).isEqualTo(3);
    assertThat(counter("farewell.signals", "type", "heartbeat", "outcome", "ignored")).isEqualTo(1);
    assertThat(counter("farewell.signals", "type", "heartbeat", "outcome", "accepted")).isZero();
    assertThat(gauge("farewell.store.up")).isEqualTo(1);

    farewell.release("s1");
    assertThat(gauge("farewell.sessions")).isEqualTo(1);
    assertThat(gauge("farewell.pages")).isEqualTo(1);
    farewell.signal(Signal.of(SignalType.HEARTBEAT, "s1", "p1", 1));
    assertThat(counter("farewell.signals", "type", "heartbeat", "outcome", "released"))
        .isEqualTo(1);
  }

  @Test
  void releasesAreCountedByReasonAndTimedByLateness() {
    new FarewellMetrics(farewell, Tags.of("app", "shop")).bindTo(registry);
    open("s1", "p1");
    open("s2", "p1");
    farewell.signal(Signal.of(SignalType.EXIT, "s2", "p1", 1));

    elapse(Duration.ofSeconds(20)); // s1's heartbeat timeout was at 15 s, s2's exit grace at 3 s
    farewell.track("s3");
    farewell.release("s3");

    assertThat(counter("farewell.releases", "reason", "timeout", "app", "shop")).isEqualTo(1);
    assertThat(counter("farewell.releases", "reason", "exit")).isEqualTo(1);
    assertThat(counter("farewell.releases", "reason", "explicit")).isEqualTo(1);
    assertThat(counter("farewell.releases", "reason", "shutdown")).isZero();
    Timer timeouts = registry.get("farewell.release.lateness").tag("reason", "timeout").timer();
    assertThat(timeouts.count()).isEqualTo(1);
    assertThat(timeouts.max(TimeUnit.SECONDS)).isEqualTo(5);
    Timer exits = registry.get("farewell.release.lateness").tag("reason", "exit").timer();
    assertThat(exits.totalTime(TimeUnit.SECONDS)).isEqualTo(17);
    assertThat(exits.takeSnapshot().percentileValues())
        .extracting(ValueAtPercentile::percentile)
        .containsExactly(0.5, 0.95, 0.99);
    assertThat(counter("farewell.release.actions", "outcome", "succeeded")).isEqualTo(3);
    assertThat(gauge("farewell.release.backlog")).isZero();
  }

  @Test
  void actionOutcomesAndRetriesAreCounted() {
    farewell.close();
    AtomicInteger runs = new AtomicInteger();
    ReleaseAction flaky =
        ReleaseAction.of(
                release -> {
                  if (release.sessionKey().equals("broken")) {
                    throw new IllegalStateException("the SSO server said no");
                  }
                  if (runs.incrementAndGet() == 1) {
                    throw new RetryableReleaseException("try again", null);
                  }
                })
            .withRetryPolicy(
                RetryPolicy.newBuilder()
                    .maxAttempts(3)
                    .initialBackoff(Duration.ofMillis(1))
                    .jitter(0)
                    .build());
    farewell = Farewell.newBuilder().releaseAction(flaky).build();
    new FarewellMetrics(farewell).bindTo(registry);

    farewell.track("retried");
    farewell.release("retried");
    farewell.track("broken");
    farewell.release("broken");

    await().atMost(Duration.ofSeconds(30))
        .until(() -> farewell.stats().actions().pending() == 0);
    assertThat(counter("farewell.release.actions", "outcome", "succeeded")).isEqualTo(1);
    assertThat(counter("farewell.release.actions", "outcome", "failed")).isEqualTo(1);
    assertThat(counter("farewell.release.actions", "outcome", "rejected")).isZero();
    assertThat(counter("farewell.release.retries")).isEqualTo(1);
  }

  @Test
  void beaconRefusalsAreCountedByStatusAndItsSignalsByOutcome() {
    PageTokens tokens = PageTokens.newBuilder().secret(new byte[32]).build();
    BeaconHandler handler = BeaconHandler.newBuilder(farewell).pageTokens(tokens).build();
    new FarewellMetrics(handler).bindTo(registry);
    String token = tokens.issue("s1").value();

    assertThat(handler.handle(new Request(heartbeat(token, 1))).status()).isEqualTo(200);
    assertThat(handler.handle(new Request("{not json")).status()).isEqualTo(400);
    assertThat(handler.handle(new Request(heartbeat("forged.token", 2))).status())
        .isEqualTo(401);

    assertThat(counter("farewell.beacon.refusals", "status", "400")).isEqualTo(1);
    assertThat(counter("farewell.beacon.refusals", "status", "401")).isEqualTo(1);
    assertThat(counter("farewell.beacon.refusals", "status", "429")).isZero();
    assertThat(counter("farewell.signals", "type", "heartbeat", "outcome", "accepted"))
        .isEqualTo(1);
    assertThat(gauge("farewell.sessions")).isEqualTo(1);
  }

  @Test
  void aBrokenRegistryChangesNoRelease() {
    SimpleMeterRegistry closed = new SimpleMeterRegistry();
    new FarewellMetrics(farewell).bindTo(closed);
    closed.close(); // meters of a closed registry are no-ops; the listener stays
    open("s1", "p1");

    assertThat(farewell.release("s1")).isTrue();
    assertThat(farewell.stats().actions().succeeded()).isEqualTo(1);
  }

  private static String heartbeat(String token, long seq) {
    return "{\"v\":1,\"type\":\"heartbeat\",\"token\":\"" + token
        + "\",\"page\":\"page-0001\",\"seq\":" + seq + ",\"hidden\":false}";
  }

  /** A same-origin request, as the servlet adapter makes it. */
  private static final class Request implements BeaconRequest {
    private final byte[] body;

    Request(String body) {
      this.body = body.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String method() {
      return "POST";
    }

    @Override
    public Optional<String> header(String name) {
      switch (name.toLowerCase(java.util.Locale.ROOT)) {
        case "origin":
          return Optional.of("https://app.example.com");
        case "content-type":
          return Optional.of("text/plain;charset=UTF-8");
        default:
          return Optional.empty();
      }
    }

    @Override
    public InputStream body() {
      return new ByteArrayInputStream(body);
    }

    @Override
    public String serverOrigin() {
      return "https://app.example.com";
    }
  }
}
