package dev.farewell.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The handler without a web framework: a plain {@link BeaconRequest} and a fake ticker. */
class BeaconHandlerTest {

  private static final String ORIGIN = "https://app.example.com";

  private final AtomicLong nanos = new AtomicLong();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Farewell farewell = Farewell.newBuilder().ticker(nanos::get).build();
  private final PageTokens tokens =
      PageTokens.newBuilder().secret(new byte[32]).clock(clock).build();
  private final BeaconHandler handler =
      BeaconHandler.newBuilder(farewell)
          .pageTokens(tokens)
          .pageRateLimit(2, Duration.ofSeconds(10))
          .ticker(nanos::get)
          .build();

  @AfterEach
  void close() {
    farewell.close();
  }

  /** A request as an adapter would make it. */
  private static class Request implements BeaconRequest {
    final Map<String, String> headers = new HashMap<>();
    final String method;
    final byte[] body;
    int bytesRead;

    Request(String method, String body) {
      this.method = method;
      this.body = body.getBytes(StandardCharsets.UTF_8);
      headers.put("origin", ORIGIN);
      headers.put("content-type", "text/plain;charset=UTF-8");
    }

    @Override
    public String method() {
      return method;
    }

    @Override
    public Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    @Override
    public InputStream body() {
      return new ByteArrayInputStream(body) {
        @Override
        public synchronized int read(byte[] b, int off, int len) {
          int n = super.read(b, off, len);
          bytesRead += Math.max(n, 0);
          return n;
        }
      };
    }

    @Override
    public String serverOrigin() {
      return "https://APP.example.com:443";
    }
  }

  private String heartbeat(String token, long seq) {
    return "{\"v\":1,\"type\":\"heartbeat\",\"token\":\"" + token
        + "\",\"page\":\"page-0001\",\"seq\":" + seq + ",\"hidden\":false}";
  }

  @Test
  void aHeartbeatWithAFreshTokenIsAnsweredLiveWithoutANewToken() {
    BeaconResponse response = handler.handle(new Request("POST", heartbeat(tokens.issue("s1").value(), 1)));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bodyText()).isEqualTo("{\"status\":\"live\",\"heartbeatMs\":5000}");
    assertThat(farewell.session("s1")).isPresent();
  }

  @Test
  void aHeartbeatPastHalfTheTokensLifeGetsAFreshToken() {
    String token = tokens.issue("s1").value();
    clock.advance(Duration.ofHours(7));

    BeaconResponse response = handler.handle(new Request("POST", heartbeat(token, 1)));

    String fresh = response.bodyText().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    assertThat(tokens.verify(fresh).orElseThrow().issuedAt()).isEqualTo(clock.instant());
  }

  @Test
  void thePageRateLimitRefillsAsTheTickerAdvances() {
    String token = tokens.issue("s1").value();
    handler.handle(new Request("POST", heartbeat(token, 1)));
    handler.handle(new Request("POST", heartbeat(token, 2)));

    BeaconResponse limited = handler.handle(new Request("POST", heartbeat(token, 3)));
    nanos.addAndGet(Duration.ofSeconds(5).toNanos());
    BeaconResponse allowed = handler.handle(new Request("POST", heartbeat(token, 4)));

    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.headers()).containsEntry("Retry-After", "5");
    assertThat(allowed.status()).isEqualTo(200);
  }

  @Test
  void aClosedEngineIsAnswered503() {
    farewell.close();

    BeaconResponse response = handler.handle(new Request("POST", heartbeat(tokens.issue("s1").value(), 1)));

    assertThat(response.status()).isEqualTo(503);
    assertThat(response.bodyText()).contains("\"error\":\"unavailable\"");
  }

  @Test
  void aBodyIsReadNoFurtherThanOneByteOverTheLimit() {
    Request request = new Request("POST", "x".repeat(1_000_000));

    BeaconResponse response = handler.handle(request);

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.closeConnection()).isTrue();
    assertThat(request.bytesRead).isEqualTo(BeaconHandler.MAXIMUM_BODY_BYTES + 1);
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedWithoutReading() {
    Request request = new Request("POST", "{}");
    request.headers.put("content-length", "5000");

    assertThat(handler.handle(request).status()).isEqualTo(413);
    assertThat(request.bytesRead).isZero();
  }

  @Test
  void theServersOwnOriginMatchesWhateverItsCaseAndDefaultPort() {
    Request request = new Request("POST", heartbeat(tokens.issue("s1").value(), 1));
    request.headers.put("origin", "HTTPS://app.EXAMPLE.com");

    assertThat(handler.handle(request).status()).isEqualTo(200);
  }

  @Test
  void aSameOriginClaimWithSecFetchSiteCrossSiteIsRefused() {
    Request request = new Request("POST", heartbeat(tokens.issue("s1").value(), 1));
    request.headers.put("sec-fetch-site", "cross-site");

    assertThat(handler.handle(request).status()).isEqualTo(403);
    assertThat(farewell.session("s1")).isEmpty();
  }

  @Test
  void withoutCookieModeAMessageWithoutTokenIsAnswered401() {
    Request request =
        new Request("POST", "{\"v\":1,\"type\":\"open\",\"page\":\"page-0001\",\"seq\":1,\"hidden\":false}") {
          @Override
          public Optional<String> cookieSessionKey() {
            return Optional.of("s1");
          }
        };

    assertThat(handler.handle(request).status()).isEqualTo(401);
    assertThat(farewell.session("s1")).isEmpty();
  }

  @Test
  void inCookieModeAnEmptySessionKeyCountsAsNoSession() {
    BeaconHandler cookies = BeaconHandler.newBuilder(farewell).pageTokens(tokens).cookieMode(true).build();
    Request request =
        new Request("POST", "{\"v\":1,\"type\":\"open\",\"page\":\"page-0001\",\"seq\":1,\"hidden\":false}") {
          @Override
          public Optional<String> cookieSessionKey() {
            return Optional.of("");
          }
        };
    request.headers.put("sec-fetch-site", "same-origin");

    assertThat(cookies.handle(request).status()).isEqualTo(401);
  }

  @Test
  void aBodyRefusedBeforeItWasReadClosesTheConnection() {
    Request unsupported = new Request("POST", "{}");
    unsupported.headers.put("content-type", "text/html");
    unsupported.headers.put("content-length", "2");
    Request malformed = new Request("POST", "{}");
    malformed.headers.put("content-length", "2");

    BeaconResponse refusedUnread = handler.handle(unsupported);
    BeaconResponse refusedRead = handler.handle(malformed);

    assertThat(refusedUnread.status()).isEqualTo(415);
    assertThat(refusedUnread.closeConnection()).isTrue();
    assertThat(unsupported.bytesRead).isZero();
    assertThat(refusedRead.status()).isEqualTo(400);
    assertThat(refusedRead.closeConnection()).isFalse();
  }
}
