package dev.farewell.benchmarks;

import dev.farewell.Farewell;
import dev.farewell.SignalResult;
import dev.farewell.beacon.PageTokens;
import dev.farewell.servlet.FarewellServlet;
import java.security.SecureRandom;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * Farewell's real servlet ({@link FarewellServlet}), mounted under a base path of a Jetty context
 * with an engine behind it, and a way to issue page tokens for the load driver's sessions. The per-page rate limit is raised so far that it never refuses (the driver makes one
 * page beat thousands of times a second; a real page beats every few seconds), but it still runs.
 */
final class BeaconEndpoint implements AutoCloseable {

  private final Farewell farewell;
  private final PageTokens tokens;

  private BeaconEndpoint(Farewell farewell, PageTokens tokens) {
    this.farewell = farewell;
    this.tokens = tokens;
  }

  static BeaconEndpoint mount(ServletContextHandler context, String base) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    PageTokens tokens = PageTokens.newBuilder().secret(secret).build();
    // the driver's pages beat only while it speaks to this endpoint; long timeouts keep their
    // sessions alive through the bare servlet's turns (a deadline costs the same either way)
    Duration idle = Duration.ofMinutes(10);
    Farewell farewell =
        Farewell.newBuilder()
            .heartbeatTimeout(idle)
            .hiddenTimeout(idle)
            .openTimeout(idle)
            .build();
    FarewellServlet servlet =
        FarewellServlet.newBuilder(farewell)
            .basePath(base)
            .pageTokens(tokens)
            .pageRateLimit(1_000_000_000, Duration.ofSeconds(1))
            .sessionRateLimit(1_000_000_000, Duration.ofSeconds(1))
            .build();
    context.addServlet(new ServletHolder("farewell", servlet), base + "/*");
    return new BeaconEndpoint(farewell, tokens);
  }

  /** Tracks {@code sessionKey}, as serving a page does, and returns a page token for it. */
  String token(String sessionKey) {
    SignalResult tracked = farewell.track(sessionKey);
    if (tracked.status() != SignalResult.Status.LIVE) {
      throw new IllegalStateException("tracking " + sessionKey + " answered " + tracked);
    }
    return tokens.issue(sessionKey).value();
  }

  /** The engine behind the servlet. */
  Farewell farewell() {
    return farewell;
  }

  @Override
  public void close() {
    farewell.close();
  }
}
