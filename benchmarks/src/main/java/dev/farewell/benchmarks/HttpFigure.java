package dev.farewell.benchmarks;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Figure 4 (HTTP): beacon requests per second through Farewell's real servlet on Jetty 12 over
 * loopback, against a bare servlet on the same server that reads the same body and answers 204.
 * Keep-alive connections from {@link KeepAliveLoadDriver}; the two endpoints take turns in rounds
 * so that noise on the shared machine falls on both. Target: at least 0.85x the bare servlet.
 */
final class HttpFigure implements Figure {

  static final double TARGET_RATIO = 0.85;
  static final int CONNECTIONS = 4;

  @Override
  public List<Row> run(Settings settings) throws Exception {
    Duration warmup = settings.quick() ? Duration.ofSeconds(1) : Duration.ofSeconds(3);
    Duration round = settings.quick() ? Duration.ofSeconds(1) : Duration.ofSeconds(4);
    int rounds = settings.quick() ? 1 : 4;

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(new BareBeaconServlet()), "/bare/beacon");
    try (BeaconEndpoint farewell = BeaconEndpoint.mount(context, "/farewell")) {
      server.setHandler(context);
      server.start();
      try {
        int port = connector.getLocalPort();
        KeepAliveLoadDriver driver = new KeepAliveLoadDriver(port, CONNECTIONS);
        BeaconTraffic traffic = new BeaconTraffic(farewell, port, CONNECTIONS);
        StringBuilder log = new StringBuilder();
        warmUp(driver, traffic::farewell, warmup, settings.quick() ? 1 : 6, "farewell", log);
        warmUp(driver, traffic::bare, warmup, settings.quick() ? 1 : 3, "bare", log);
        double farewellTotal = 0;
        double bareTotal = 0;
        for (int r = 0; r < rounds; r++) {
          // alternate which goes first, so that a trend in the machine's load favours neither
          KeepAliveLoadDriver.Result f;
          KeepAliveLoadDriver.Result b;
          if (r % 2 == 0) {
            f = driver.run(traffic::farewell, round);
            b = driver.run(traffic::bare, round);
          } else {
            b = driver.run(traffic::bare, round);
            f = driver.run(traffic::farewell, round);
          }
          log.append("round ").append(r).append(" farewell: ").append(f).append('\n');
          log.append("round ").append(r).append(" bare: ").append(b).append('\n');
          expectOnly(f, 200, "Farewell's servlet");
          expectOnly(b, 204, "the bare servlet");
          farewellTotal += f.perSecond();
          bareTotal += b.perSecond();
        }
        Files.writeString(settings.workDir().resolve("http.log"), log);
        double farewellRate = farewellTotal / rounds;
        double bareRate = bareTotal / rounds;
        return List.of(
            new Row(
                String.format(
                    Locale.ROOT, "HTTP beacons/s, Jetty 12, %d keep-alive conns", CONNECTIONS),
                Row.perSecond(farewellRate),
                Row.perSecond(bareRate),
                Row.ratio(farewellRate, bareRate),
                ">= " + TARGET_RATIO + "x",
                Row.verdict(farewellRate >= TARGET_RATIO * bareRate)));
      } finally {
        server.stop();
      }
    }
  }

  /**
   * Warms an endpoint up until its rate settles: the servlet's JSON, token and engine paths take
   * a few hundred thousand requests to be fully compiled, which on a busy machine is many seconds.
   * At least {@code minimum} windows of {@code window}, then more until two in a row agree within
   * 5 %, at most twice the minimum.
   */
  private static void warmUp(
      KeepAliveLoadDriver driver,
      KeepAliveLoadDriver.RequestSource source,
      Duration window,
      int minimum,
      String name,
      StringBuilder log)
      throws InterruptedException {
    double previous = 0;
    for (int i = 0; i < 2 * minimum - 1; i++) {
      KeepAliveLoadDriver.Result result = driver.run(source, window);
      log.append("warm-up ").append(name).append(": ").append(result).append('\n');
      double rate = result.perSecond();
      if (i + 1 >= minimum && Math.abs(rate - previous) <= 0.05 * Math.max(rate, previous)) {
        return;
      }
      previous = rate;
    }
  }

  /** A figure that counted refusals (429, 401) as beacons would flatter the servlet: refuse it. */
  private static void expectOnly(KeepAliveLoadDriver.Result result, int status, String who) {
    long other = result.requests() - result.count(status);
    if (other > result.requests() / 1000) {
      throw new IllegalStateException(
          who + " answered " + other + " of " + result.requests() + " requests with another status"
              + " than " + status + ": " + result.statuses());
    }
  }
}
