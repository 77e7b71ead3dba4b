package dev.farewell.sample;

import dev.farewell.Farewell;
import dev.farewell.beacon.BeaconHandler;
import dev.farewell.beacon.OriginPolicy;
import dev.farewell.beacon.PageTokens;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import redis.clients.jedis.UnifiedJedis;

/**
 * How the demo plugs Farewell in: the engine with its store and release actions, the page tokens,
 * the snippet tag, and the beacon endpoint. This is the part an application copies.
 */
final class Wiring {

  private final Farewell engine;
  private final PageTokens tokens;
  private final BeaconHandler beacons;

  private Wiring(Farewell engine, PageTokens tokens, BeaconHandler beacons) {
    this.engine = engine;
    this.tokens = tokens;
    this.beacons = beacons;
  }

  static Wiring create(
      SampleOptions options, Logins logins, UnifiedJedis redis, String prefix, Supplier<String> baseUrl) {
    Farewell.Builder builder = Farewell.newBuilder();
    options.heartbeatInterval().ifPresent(builder::heartbeatInterval);
    options.heartbeatTimeout().ifPresent(builder::heartbeatTimeout);
    options.hiddenTimeout().ifPresent(builder::hiddenTimeout);
    options.exitGrace().ifPresent(builder::exitGrace);
    options.navigationGrace().ifPresent(builder::navigationGrace);
    options
        .heartbeatTimeout()
        .filter(timeout -> timeout.compareTo(Duration.ofSeconds(30)) > 0)
        .ifPresent(builder::openTimeout);
    builder.onRelease(logins::released);
    builder.releaseAction(LegacySsoLogout.create(baseUrl));
    Farewell engine;
    try {
      engine = builder.build();
    } catch (IllegalStateException e) {
      throw new IllegalStateException("bad timeouts: " + e.getMessage(), e);
    }
    byte[] secret =
        options
            .tokenSecret()
            .map(s -> s.getBytes(StandardCharsets.UTF_8))
            .orElseGet(Wiring::randomSecret);
    PageTokens tokens = PageTokens.newBuilder().secret(secret).build();
    BeaconHandler beacons =
        BeaconHandler.newBuilder(engine)
            .pageTokens(tokens)
            .originPolicy(OriginPolicy.sameOrigin())
            .build();
    return new Wiring(engine, tokens, beacons);
  }

  Farewell engine() {
    return engine;
  }

  Function<Login, String> tokens() {
    return login -> tokens.issue(login.sessionId()).value();
  }

  PageScript pageScript() {
    return (request, login) ->
        "<script src=\"/farewell/farewell.js\"></script>\n"
            + "<script>Farewell.start({token: \""
            + tokens.issue(login.sessionId()).value()
            + "\", onReleased: farewellOnReleased});</script>\n";
  }

  void addFarewellServlets(ServletContextHandler context) {
    context.addServlet(new ServletHolder("farewell-beacon", new BeaconServlet(beacons)), "/farewell/beacon");
    context.addServlet(new ServletHolder("farewell-js", new SnippetServlet()), "/farewell/farewell.js");
  }

  private static byte[] randomSecret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return secret;
  }
}
