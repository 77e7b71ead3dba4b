package dev.farewell.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.ReleaseReason;
import dev.farewell.testing.CollectingReleaseListener;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What someone holding a victim's page token (or a leaked secret) can do through the endpoint:
 * replays, renewals, invented pages, floods and rotated secrets, each tried as the attack goes.
 */
class StolenTokenTest {

  private static final String ORIGIN = "https://app.example.com";
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final byte[] LEAKED = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
  private static final String VICTIM = "page-victim";
  private static final String MALLORY = "page-mallory";

  private final AtomicLong nanos = new AtomicLong();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final CollectingReleaseListener releases = new CollectingReleaseListener();
  private final Farewell farewell =
      Farewell.newBuilder()
          .ticker(nanos::get)
          .releaseExecutor(Runnable::run)
          .onRelease(releases)
          .build();
  private final PageTokens tokens = PageTokens.newBuilder().secret(SECRET).clock(clock).build();
  private final BeaconHandler handler = handlerWith(tokens);

  @AfterEach
  void close() {
    farewell.close();
  }

  private BeaconHandler handlerWith(PageTokens pageTokens) {
    return BeaconHandler.newBuilder(farewell).pageTokens(pageTokens).ticker(nanos::get).build();
  }

  /** Time passes for the engine, the rate limiter and the tokens alike. */
  private void elapse(Duration duration) {
    nanos.addAndGet(duration.toNanos());
    clock.advance(duration);
  }

  private static String message(String type, String token, String page, long seq, boolean hidden) {
    return "{\"v\":1,\"type\":\"" + type + "\",\"token\":\"" + token + "\",\"page\":\"" + page
        + "\",\"seq\":" + seq + (type.equals("exit") ? "" : ",\"hidden\":" + hidden) + "}";
  }

  private static Optional<String> tokenIn(BeaconResponse response) {
    String body = response.bodyText();
    return body.contains("\"token\"")
        ? Optional.of(body.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1"))
        : Optional.empty();
  }

  private static BeaconResponse send(BeaconHandler handler, String body) {
    return handler.handle(new Request(body));
  }

  private BeaconResponse send(String body) {
    return send(handler, body);
  }

  @Test
  void aCapturedOpenReplayedLaterGetsNoFreshToken() {
    farewell.track("s1");
    String token = tokens.issue("s1").value();
    String capturedOpen = message("open", token, VICTIM, 1, false);
    assertThat(send(capturedOpen).status()).isEqualTo(200);
    String current = token;
    for (int seq = 2; seq <= 73; seq++) { // the victim's page beats on for six minutes
      elapse(Duration.ofSeconds(5));
      BeaconResponse beat = send(message("heartbeat", current, VICTIM, seq, false));
      assertThat(beat.status()).isEqualTo(200);
      current = tokenIn(beat).orElse(current);
    }

    BeaconResponse replay = send(capturedOpen);

    assertThat(replay.status()).isEqualTo(200);
    assertThat(replay.bodyText()).isEqualTo("{\"status\":\"live\",\"heartbeatMs\":5000}");
    assertThat(current).isNotEqualTo(token); // the victim's own page did get a fresh one
  }

  @Test
  void hiddenHeartbeatsFromAnInventedPageCannotKeepASessionPastTheTokensMaximumAge() {
    farewell.track("s1");
    String stolen = tokens.issue("s1").value(); // the page is served at 00:00
    send(message("open", stolen, VICTIM, 1, false));
    for (int seq = 2; seq <= 12; seq++) { // the victim's page beats for a minute
      elapse(Duration.ofSeconds(5));
      assertThat(send(message("heartbeat", stolen, VICTIM, seq, false)).status()).isEqualTo(200);
      if (seq == 6) {
        assertThat(send(message("heartbeat", stolen, MALLORY, 1, true)).status()).isEqualTo(200);
      }
    }
    send(message("exit", stolen, VICTIM, 13, false)); // the victim closes the tab at 00:01

    long minutes = 0;
    int refused = 0;
    for (long seq = 2; releases.size() == 0 && minutes < 13 * 60; seq++) {
      elapse(Duration.ofMinutes(1));
      minutes++;
      BeaconResponse beat = send(message("heartbeat", stolen, MALLORY, seq, true));
      if (beat.status() == 401) {
        refused++;
      }
      stolen = tokenIn(beat).orElse(stolen);
      farewell.cleanUp();
    }

    // The token chain that began at 00:00 ends at 12:00; the hidden page is gone 150 s later.
    assertThat(refused).isPositive();
    assertThat(minutes).isLessThanOrEqualTo(12 * 60 + 3);
    assertThat(releases.releases()).singleElement()
        .satisfies(release -> assertThat(release.reason()).isEqualTo(ReleaseReason.TIMEOUT));
  }

  @Test
  void anExitAnsweredLiveGetsNoFreshToken() {
    farewell.track("s1");
    String token = tokens.issue("s1").value();
    send(message("open", token, VICTIM, 1, false));
    send(message("open", token, MALLORY, 1, false));
    clock.advance(Duration.ofMinutes(6)); // the token ages, the engine's deadlines stand still

    BeaconResponse exit = send(message("exit", token, VICTIM, 2, false));

    assertThat(exit.status()).isEqualTo(200);
    assertThat(tokenIn(exit)).isEmpty();
  }

  @Test
  void aRenewedTokenKeepsTheTimeItsChainBegan() {
    farewell.track("s1");
    PageToken served = tokens.issue("s1");
    String current = served.value();
    send(message("open", current, VICTIM, 1, false));
    for (int seq = 2; seq <= 200; seq++) { // beating every 5 s for a quarter of an hour
      elapse(Duration.ofSeconds(5));
      current = tokenIn(send(message("heartbeat", current, VICTIM, seq, false))).orElse(current);
    }

    PageToken renewed = tokens.verify(current).orElseThrow();

    assertThat(renewed.issuedAt()).isAfter(served.issuedAt());
    assertThat(renewed.firstIssuedAt()).isEqualTo(served.issuedAt());
    assertThat(renewed.expiresAt()).isEqualTo(served.expiresAt());
  }

  @Test
  void rotatingPageIdsIsRateLimitedPerSession() {
    farewell.track("s1");
    String token = tokens.issue("s1").value();
    int limited = 0;
    for (int i = 0; i < 1_000; i++) {
      BeaconResponse response =
          send(message("heartbeat", token, String.format(Locale.ROOT, "page-%04d", i), 1, false));
      if (response.status() == 429) {
        limited++;
        assertThat(response.headers()).containsKey("Retry-After");
      }
    }
    farewell.track("s2");
    BeaconResponse otherSession =
        send(message("open", tokens.issue("s2").value(), "page-0001", 1, false));

    assertThat(limited).isGreaterThanOrEqualTo(900);
    assertThat(otherSession.status()).isEqualTo(200);
  }

  @Test
  void aTokenForgedWithALeakedPreviousSecretDiesWhenThatSecretIsRemoved() {
    PageTokens withLeaked = PageTokens.newBuilder().secret(LEAKED).clock(clock).build();
    PageTokens rotated =
        PageTokens.newBuilder().secret(SECRET).previousSecret(LEAKED).clock(clock).build();
    PageTokens afterTheLeak = PageTokens.newBuilder().secret(SECRET).clock(clock).build();
    farewell.track("s1");
    String forged = withLeaked.issue("s1").value(); // minted by whoever holds the leaked secret
    BeaconHandler beforeRemoval = handlerWith(rotated);
    String held = forged;
    for (int seq = 1; seq <= 80; seq++) { // beating for over six minutes while it still verifies
      elapse(Duration.ofSeconds(5));
      BeaconResponse beat = send(beforeRemoval, message("heartbeat", held, MALLORY, seq, false));
      assertThat(beat.status()).isEqualTo(200);
      held = tokenIn(beat).orElse(held);
    }

    BeaconResponse afterRemoval = send(handlerWith(afterTheLeak), message("heartbeat", held, MALLORY, 81, false));

    assertThat(held).isNotEqualTo(forged); // it was renewed, under the secret that began it
    assertThat(afterTheLeak.verify(held)).isEmpty();
    assertThat(afterRemoval.status()).isEqualTo(401);
  }

  @Test
  void aFloodOfReleasesCannotMakeAnOldTokenStartItsSessionAgain() {
    farewell.track("victim");
    String token = tokens.issue("victim").value();
    send(message("open", token, VICTIM, 1, false));
    farewell.release("victim"); // the user logs out
    // More page loads released than the engine keeps tombstones for (100,000 by default).
    for (int i = 0; i <= 100_000; i++) {
      String key = "flood-" + i;
      farewell.track(key);
      farewell.release(key);
    }
    elapse(Duration.ofSeconds(1));

    BeaconResponse replay = send(message("heartbeat", token, VICTIM, 2, false));
    farewell.track("newcomer", Map.of("user", "carol"));
    BeaconResponse newPage =
        send(message("open", tokens.issue("newcomer").value(), "page-newcomer", 1, false));

    assertThat(replay.status()).isEqualTo(410);
    assertThat(farewell.session("victim")).isEmpty();
    assertThat(releases.count("victim")).isEqualTo(1);
    assertThat(newPage.status()).isEqualTo(200);
    assertThat(farewell.session("newcomer").orElseThrow().pages()).hasSize(1);
  }

  /** A same-origin request as an adapter would make it. */
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
      switch (name.toLowerCase(Locale.ROOT)) {
        case "origin":
          return Optional.of(ORIGIN);
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
      return ORIGIN;
    }
  }
}
