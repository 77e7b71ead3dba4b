package dev.farewell.sample;

import dev.farewell.Farewell;
import dev.farewell.beacon.PageTokens;
import dev.farewell.okhttp.HttpReleaseAction;
import dev.farewell.redis.RedisSessionStore;
import dev.farewell.servlet.FarewellServlet;
import dev.farewell.servlet.HttpSessionBridge;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import redis.clients.jedis.UnifiedJedis;

/**
 * How the demo plugs Farewell in: the engine with its store and release actions, the servlet that
 * answers beacons and serves the snippet, and the page tokens. This is the part an application
 * copies.
 */
final class Wiring {

  private static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
  private static final Duration RATE_PERIOD = Duration.ofSeconds(10);

  private final Farewell engine;
  private final FarewellServlet servlet;

  private Wiring(Farewell engine, FarewellServlet servlet) {
    this.engine = engine;
    this.servlet = servlet;
  }

  /**
   * Builds the engine and the servlet.
   *
   * @param redis the shared Redis, or null for one instance in memory
   * @param base where this instance answers, for the legacy SSO logout it calls on itself
   */
  static Wiring create(SampleOptions options, Logins logins, UnifiedJedis redis, URI base) {
    HttpSessionBridge httpSessions = HttpSessionBridge.create();
    Farewell.Builder builder = Farewell.newBuilder();
    options.heartbeatInterval().ifPresent(builder::heartbeatInterval);
    options.heartbeatTimeout().ifPresent(builder::heartbeatTimeout);
    options.hiddenTimeout().ifPresent(builder::hiddenTimeout);
    options.exitGrace().ifPresent(builder::exitGrace);
    options.navigationGrace().ifPresent(builder::navigationGrace);
    // A session whose first page never loads is released after the open timeout (30 s by
    // default), which must not be shorter than the heartbeat timeout.
    options
        .heartbeatTimeout()
        .filter(timeout -> timeout.compareTo(Duration.ofSeconds(30)) > 0)
        .ifPresent(builder::openTimeout);
    if (redis != null) {
      builder.store(
          RedisSessionStore.newBuilder().client(redis).keyPrefix(options.group()).build());
    }
    builder
        .onRelease(logins::released)
        .releaseAction(httpSessions.invalidateOnRelease())
        .releaseAction(
            HttpReleaseAction.newBuilder()
                .url(base.resolve("/legacy-sso/logout").toString())
                .formBody("ticket=${attributes." + Login.TICKET_ATTRIBUTE + "}&reason=${reason}")
                .build());
    Farewell engine;
    try {
      engine = builder.build();
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("the timeouts contradict each other: " + e.getMessage(), e);
    }
    byte[] secret =
        options
            .tokenSecret()
            .map(s -> s.getBytes(StandardCharsets.UTF_8))
            .orElseGet(Wiring::randomSecret);
    FarewellServlet.Builder servlet =
        FarewellServlet.newBuilder(engine)
            .pageTokens(PageTokens.newBuilder().secret(secret).build())
            .httpSessionBridge(httpSessions);
    // The servlet's rate limits (20 signals per page and 60 per session, per 10 s) are made for
    // the default beat every 5 s; a demo beating faster (the browser tests beat every second)
    // lets as many more signals through.
    options
        .heartbeatInterval()
        .filter(interval -> interval.compareTo(DEFAULT_HEARTBEAT_INTERVAL) < 0)
        .ifPresent(
            interval -> {
              int times = (int) Math.ceil((double) DEFAULT_HEARTBEAT_INTERVAL.toMillis() / interval.toMillis());
              servlet
                  .pageRateLimit(20 * times, RATE_PERIOD)
                  .sessionRateLimit(60 * times, RATE_PERIOD);
            });
    return new Wiring(engine, servlet.build());
  }

  Farewell engine() {
    return engine;
  }

  /** The servlet for {@code /farewell/*}: the beacon endpoint and the snippet. */
  FarewellServlet servlet() {
    return servlet;
  }

  /**
   * Starts tracking a new login, under the login's own session id, and ties it to the request's
   * {@code HttpSession} so that a release invalidates it and its invalidation releases.
   */
  void track(HttpServletRequest request, Login login) {
    request.getSession().setAttribute(HttpSessionBridge.SESSION_KEY_ATTRIBUTE, login.sessionId());
    servlet.pageToken(request, Logins.attributes(login));
  }

  /** A token for a page of {@code login} (for {@code /api/me}); tracks nothing. */
  String token(Login login) {
    return servlet.beaconHandler().pageTokens().issue(login.sessionId()).value();
  }

  /** The script element of an app page, which starts the snippet with the page's token. */
  String scriptTag(HttpServletRequest request, Login login) {
    return servlet.scriptTag(request, Logins.attributes(login));
  }

  private static byte[] randomSecret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return secret;
  }
}
