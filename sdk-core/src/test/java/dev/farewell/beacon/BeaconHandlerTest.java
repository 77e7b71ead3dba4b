package dev.farewell.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.PageView;
import dev.farewell.ReleaseReason;
import dev.farewell.SessionState;
import dev.farewell.spi.SessionStore;
import dev.farewell.testing.CollectingReleaseListener;
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
  private final CollectingReleaseListener releases = new CollectingReleaseListener();
  private final Farewell farewell = newEngine(null);
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

  /** An engine on the test's ticker (default tombstone TTL, 10 minutes) that releases inline. */
  private Farewell newEngine(SessionStore store) {
    Farewell.Builder builder =
        Farewell.newBuilder()
            .ticker(nanos::get)
            .releaseExecutor(Runnable::run)
            .onRelease(releases);
    if (store != null) {
      builder.store(store);
    }
    return builder.build();
  }

  /** A handler for {@code engine} with the test's tokens and the default rate limit. */
  private BeaconHandler handlerFor(Farewell engine) {
    return BeaconHandler.newBuilder(engine).pageTokens(tokens).ticker(nanos::get).build();
  }

  /** Time passes for the engine and for the tokens alike. */
  private void elapse(Duration duration) {
    nanos.addAndGet(duration.toNanos());
    clock.advance(duration);
  }

  private static String tokenIn(BeaconResponse response) {
    return response.bodyText().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
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
    return message("heartbeat", token, seq, false);
  }

  private static String message(String type, String token, long seq, boolean hidden) {
    return "{\"v\":1,\"type\":\"" + type + "\",\"token\":\"" + token
        + "\",\"page\":\"page-0001\",\"seq\":" + seq
        + (type.equals("exit") ? "" : ",\"hidden\":" + hidden) + "}";
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
    farewell.track("s1");
    String token = tokens.issue("s1").value();
    clock.advance(Duration.ofHours(7));

    BeaconResponse response = handler.handle(new Request("POST", heartbeat(token, 1)));

    assertThat(response.status()).isEqualTo(200);
    assertThat(tokens.verify(tokenIn(response)).orElseThrow().issuedAt()).isEqualTo(clock.instant());
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
  void refusalsAreCountedByStatus() {
    String token = tokens.issue("s1").value();
    handler.handle(new Request("POST", heartbeat(token, 1)));
    handler.handle(new Request("POST", heartbeat(token, 2)));
    handler.handle(new Request("POST", heartbeat(token, 3))); // over the page rate limit
    handler.handle(new Request("POST", "not json"));
    handler.handle(new Request("POST", "x".repeat(5_000)));

    assertThat(handler.refusals())
        .containsEntry(429, 1L)
        .containsEntry(400, 1L)
        .containsEntry(413, 1L)
        .containsEntry(401, 0L)
        .containsKeys(403, 405, 415, 503)
        .hasSize(8);
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
  void aBodyLongerThanItsDeclaredLengthIsStillReadNoFurtherThanTheLimit() {
    // The buffer is sized by the declared length; a body that overruns it is read on to the limit.
    Request large = new Request("POST", "x".repeat(1_000_000));
    large.headers.put("content-length", "10");
    String heartbeat = heartbeat(tokens.issue("s1").value(), 1);
    Request overrun = new Request("POST", heartbeat);
    overrun.headers.put("content-length", "10");
    Request exact = new Request("POST", heartbeat(tokens.issue("s2").value(), 1));
    exact.headers.put("content-length", Integer.toString(exact.body.length));

    assertThat(handler.handle(large).status()).isEqualTo(413);
    assertThat(large.bytesRead).isEqualTo(BeaconHandler.MAXIMUM_BODY_BYTES + 1);
    assertThat(handler.handle(overrun).status()).isEqualTo(200);
    assertThat(overrun.bytesRead).isEqualTo(heartbeat.length());
    assertThat(handler.handle(exact).bodyText()).contains("\"status\":\"live\"");
    assertThat(exact.bytesRead).isEqualTo(exact.body.length);
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

  // ---- Adoption and token age ----

  @Test
  void aReleasedSessionWhoseTombstoneExpiredIsNotRestartedByItsOldToken() {
    String token = tokens.issue("s1").value();
    handler.handle(new Request("POST", message("open", token, 1, false)));
    farewell.release("s1"); // a logout in another tab
    elapse(Duration.ofMinutes(11)); // past the tombstone TTL: the engine forgot the key
    farewell.cleanUp();

    BeaconResponse response = handler.handle(new Request("POST", heartbeat(token, 2)));
    elapse(Duration.ofHours(1));
    farewell.cleanUp();

    assertThat(response.status()).isEqualTo(410);
    assertThat(response.bodyText()).isEqualTo("{\"status\":\"released\",\"reason\":\"TIMEOUT\"}");
    assertThat(response.headers()).containsEntry("Cache-Control", "no-store");
    assertThat(farewell.session("s1")).isEmpty();
    assertThat(releases.count("s1")).isEqualTo(1);
  }

  @Test
  void aSessionThatTimedOutWhileThePageSleptIsNotRestartedWhenThePageWakes() {
    String token = tokens.issue("s1").value();
    handler.handle(new Request("POST", message("open", token, 1, false)));
    elapse(Duration.ofMinutes(1)); // the laptop sleeps: heartbeats stop, the session times out
    farewell.cleanUp();
    elapse(Duration.ofMinutes(30)); // and sleeps on, past the tombstone TTL
    farewell.cleanUp();

    BeaconResponse response = handler.handle(new Request("POST", heartbeat(token, 2)));
    elapse(Duration.ofHours(1));
    farewell.cleanUp();

    assertThat(response.status()).isEqualTo(410);
    assertThat(releases.releases()).singleElement()
        .satisfies(release -> assertThat(release.reason()).isEqualTo(ReleaseReason.TIMEOUT));
  }

  @Test
  void aYoungTokenStillAdoptsItsSessionAfterAnEngineRestart() {
    String token = tokens.issue("s1").value();
    handler.handle(new Request("POST", message("open", token, 1, false)));
    farewell.close();
    Farewell restarted = newEngine(null);
    try {
      elapse(Duration.ofMinutes(10)); // as old as a token may be and still adopt

      BeaconResponse response =
          handlerFor(restarted).handle(new Request("POST", heartbeat(token, 2)));

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).startsWith("{\"status\":\"live\"");
      assertThat(restarted.session("s1").orElseThrow().pages())
          .extracting(PageView::pageId).containsExactly("page-0001");
    } finally {
      restarted.close();
    }
  }

  @Test
  void afterARestartATokenOlderThanTheTombstoneTtlIsAnswered410AndStartsNothing() {
    String token = tokens.issue("s1").value();
    handler.handle(new Request("POST", message("open", token, 1, false)));
    farewell.close();
    Farewell restarted = newEngine(null);
    try {
      elapse(Duration.ofMinutes(10).plusSeconds(1));

      BeaconResponse response =
          handlerFor(restarted).handle(new Request("POST", heartbeat(token, 2)));

      assertThat(response.status()).isEqualTo(410);
      assertThat(restarted.session("s1")).isEmpty();
      assertThat(restarted.size()).isZero();
    } finally {
      restarted.close();
    }
  }

  @Test
  void anOldTokenStillSignalsALiveSessionAndGetsAFreshToken() {
    farewell.track("s1");
    String token = tokens.issue("s1").value();
    clock.advance(Duration.ofHours(1)); // the engine's deadlines stand still, the token ages

    BeaconResponse response = handler.handle(new Request("POST", heartbeat(token, 1)));

    assertThat(response.status()).isEqualTo(200);
    assertThat(tokens.verify(tokenIn(response)).orElseThrow().issuedAt()).isEqualTo(clock.instant());
    assertThat(farewell.session("s1").orElseThrow().pages()).hasSize(1);
  }

  @Test
  void anExitWithAnOldTokenStillEndsItsLiveSessionOnce() {
    String token = tokens.issue("s1").value();
    handler.handle(new Request("POST", message("open", token, 1, false)));
    clock.advance(Duration.ofHours(1));

    BeaconResponse response = handler.handle(new Request("POST", message("exit", token, 2, false)));
    elapse(Duration.ofSeconds(4)); // past the exit grace
    farewell.cleanUp();

    assertThat(response.bodyText()).isEqualTo("{\"status\":\"exiting\"}");
    assertThat(releases.releases()).singleElement()
        .satisfies(release -> assertThat(release.reason()).isEqualTo(ReleaseReason.EXIT));
  }

  @Test
  void aLongLivedPagesTokenIsRefreshedBeforeItIsTooOldToAdopt() {
    BeaconHandler beating = handlerFor(farewell);
    String token = tokens.issue("s1").value();
    beating.handle(new Request("POST", message("open", token, 1, true)));
    Duration oldest = Duration.ZERO;
    for (int seq = 2; seq <= 180; seq++) { // three hours, hidden, beating once a minute
      elapse(Duration.ofMinutes(1));
      Instant issued = tokens.verify(token).orElseThrow().issuedAt();
      Duration age = Duration.between(issued, clock.instant());
      oldest = age.compareTo(oldest) > 0 ? age : oldest;
      BeaconResponse response =
          beating.handle(new Request("POST", message("heartbeat", token, seq, true)));
      assertThat(response.status()).isEqualTo(200);
      if (response.bodyText().contains("\"token\"")) {
        token = tokenIn(response);
      }
    }
    farewell.close();
    Farewell restarted = newEngine(null);
    try {
      elapse(Duration.ofMinutes(1));
      BeaconResponse afterRestart =
          handlerFor(restarted).handle(new Request("POST", message("heartbeat", token, 181, true)));

      assertThat(oldest).isLessThanOrEqualTo(Duration.ofMinutes(6));
      assertThat(afterRestart.status()).isEqualTo(200);
      assertThat(restarted.session("s1")).isPresent();
      assertThat(releases.size()).isZero();
    } finally {
      restarted.close();
    }
  }

  @Test
  void aTokenIsRefreshedOnceItIsHalfTheTombstoneTtlOld() {
    farewell.track("s1");
    String token = tokens.issue("s1").value();

    clock.advance(Duration.ofMinutes(5).minusSeconds(1));
    BeaconResponse before = handler.handle(new Request("POST", heartbeat(token, 1)));
    clock.advance(Duration.ofSeconds(1));
    BeaconResponse at = handler.handle(new Request("POST", heartbeat(token, 2)));

    assertThat(before.bodyText()).isEqualTo("{\"status\":\"live\",\"heartbeatMs\":5000}");
    assertThat(tokens.verify(tokenIn(at)).orElseThrow().issuedAt()).isEqualTo(clock.instant());
  }

  @Test
  void aKeyThatBecomesLiveRightAfterTheCheckIsLeftToItsOwnPages() {
    InterleavingStore store = new InterleavingStore();
    Farewell engine = newEngine(store);
    try {
      String token = tokens.issue("s1").value();
      clock.advance(Duration.ofMinutes(11));
      // The application serves a new page of the key between the look-up and the answer.
      store.afterNextLookUp(() -> engine.track("s1", Map.of("user", "bob")));

      BeaconResponse response = handlerFor(engine).handle(new Request("POST", heartbeat(token, 1)));

      assertThat(response.status()).isEqualTo(410);
      assertThat(engine.session("s1").orElseThrow()).satisfies(session -> {
        assertThat(session.pages()).isEmpty();
        assertThat(session.attributes()).containsEntry("user", "bob");
      });
      assertThat(releases.size()).isZero();
    } finally {
      engine.close();
    }
  }

  @Test
  void aSessionReleasedRightAfterTheCheckIsNotRestartedBySignal() {
    InterleavingStore store = new InterleavingStore();
    Farewell engine = newEngine(store);
    try {
      engine.track("s1");
      String token = tokens.issue("s1").value();
      clock.advance(Duration.ofMinutes(11));
      // A logout lands between the look-up, which found the session live, and the signal.
      store.afterNextLookUp(() -> engine.release("s1"));

      BeaconResponse response = handlerFor(engine).handle(new Request("POST", heartbeat(token, 1)));
      elapse(Duration.ofHours(1));
      engine.cleanUp();

      assertThat(response.status()).isEqualTo(410);
      assertThat(response.bodyText()).isEqualTo("{\"status\":\"released\",\"reason\":\"EXPLICIT\"}");
      assertThat(engine.session("s1")).isEmpty();
      assertThat(releases.count("s1")).isEqualTo(1);
    } finally {
      engine.close();
    }
  }

  @Test
  void inCookieModeAMessageWithoutTokenStillAdoptsItsSession() {
    BeaconHandler cookies = BeaconHandler.newBuilder(farewell).pageTokens(tokens).cookieMode(true).build();
    Request request =
        new Request("POST", "{\"v\":1,\"type\":\"heartbeat\",\"page\":\"page-0001\",\"seq\":1,\"hidden\":false}") {
          @Override
          public Optional<String> cookieSessionKey() {
            return Optional.of("s1");
          }
        };
    request.headers.put("sec-fetch-site", "same-origin");

    BeaconResponse response = cookies.handle(request);

    assertThat(response.status()).isEqualTo(200);
    assertThat(farewell.session("s1").orElseThrow().state()).isEqualTo(SessionState.LIVE);
  }
}
