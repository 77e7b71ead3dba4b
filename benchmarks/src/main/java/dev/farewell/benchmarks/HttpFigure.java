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
 * Keep-alive connections from {@link KeepAliveLoadDriver}; the two endpoints take turns, in the
 * warm-up too (each one's code in Jetty must be compiled for both, or the first round after the
 * other's warm-up pays for recompilation), and each one's figure is the median of its rounds, so
 * that noise on the shared machine falls on both and one bad round moves neither. Target: at least
 * 0.85x the bare servlet.
 */
final class HttpFigure implements Figure {

  static final double TARGET_RATIO = 0.85;
  static final int CONNECTIONS = 4;

  @Override
  public List<Row> run(Settings settings) throws Exception {
    Duration warmup = settings.quick() ? Duration.ofSeconds(1) : Duration.ofSeconds(2);
    Duration round = settings.quick() ? Duration.ofSeconds(1) : Duration.ofSeconds(3);
    int rounds = settings.quick() ? 1 : 6;

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
        warmUp(driver, traffic, warmup, settings.quick() ? 1 : 8, log);
        double[] farewellRates = new double[rounds];
        double[] bareRates = new double[rounds];
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
          farewellRates[r] = f.perSecond();
          bareRates[r] = b.perSecond();
        }
        Files.writeString(settings.workDir().resolve("http.log"), log);
        double farewellRate = median(farewellRates);
        double bareRate = median(bareRates);
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
   * Warms both endpoints up, taking turns, until each one's rate settles: the servlet's JSON, token
   * and engine paths take a few hundred thousand requests to be fully compiled, which on a busy
   * machine is many seconds. At least {@code minimum} turns of {@code window} each, then more until
   * each endpoint's last two windows agree within 5 %, at most twice the minimum.
   */
  private static void warmUp(
      KeepAliveLoadDriver driver,
      BeaconTraffic traffic,
      Duration window,
      int minimum,
      StringBuilder log)
      throws InterruptedException {
    double previousFarewell = 0;
    double previousBare = 0;
    for (int i = 0; i < 2 * minimum; i++) {
      KeepAliveLoadDriver.Result f = driver.run(traffic::farewell, window);
      KeepAliveLoadDriver.Result b = driver.run(traffic::bare, window);
      log.append("warm-up farewell: ").append(f).append('\n');
      log.append("warm-up bare: ").append(b).append('\n');
      boolean settled =
          settled(f.perSecond(), previousFarewell) && settled(b.perSecond(), previousBare);
      if (i + 1 >= minimum && settled) {
        return;
      }
      previousFarewell = f.perSecond();
      previousBare = b.perSecond();
    }
  }

  private static boolean settled(double rate, double previous) {
    return Math.abs(rate - previous) <= 0.05 * Math.max(rate, previous);
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  /** A figure that counted refusals (429, 401) as beacons would flatter the servlet: refuse it. */
  static void expectOnly(KeepAliveLoadDriver.Result result, int status, String who) {
    long other = result.requests() - result.count(status);
    if (other > result.requests() / 1000) {
      throw new IllegalStateException(
          who + " answered " + other + " of " + result.requests() + " requests with another status"
              + " than " + status + ": " + result.statuses());
    }
  }
}
