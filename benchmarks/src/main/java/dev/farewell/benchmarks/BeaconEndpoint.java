package dev.farewell.benchmarks;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/**
 * Farewell's beacon servlet, mounted under a base path of a Jetty context, with the engine behind
 * it and a way to issue page tokens for the load driver's sessions.
 */
final class BeaconEndpoint implements AutoCloseable {

  private BeaconEndpoint() {}

  static BeaconEndpoint mount(ServletContextHandler context, String base) {
    throw new IllegalStateException("Farewell's beacon servlet is not in this build yet");
  }

  /** Tracks {@code sessionKey} and returns a page token for it. */
  String token(String sessionKey) {
    throw new IllegalStateException("no servlet");
  }

  @Override
  public void close() {}
}
