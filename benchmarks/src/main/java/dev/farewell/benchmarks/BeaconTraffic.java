package dev.farewell.benchmarks;

import java.util.Locale;

/**
 * The requests of the HTTP figure: each connection speaks for its own pages (one session each),
 * in turn, with growing sequence numbers, as many open tabs beating through one proxy connection
 * would. Farewell's endpoint and the bare one get byte-for-byte the same bodies.
 */
final class BeaconTraffic {

  static final int PAGES_PER_CONNECTION = 512;

  private final int port;
  private final String[][] tokens;
  private final String[][] pages;
  private final long[][] sequence;

  BeaconTraffic(BeaconEndpoint endpoint, int port, int connections) {
    this.port = port;
    this.tokens = new String[connections][PAGES_PER_CONNECTION];
    this.pages = new String[connections][PAGES_PER_CONNECTION];
    this.sequence = new long[connections][PAGES_PER_CONNECTION];
    for (int c = 0; c < connections; c++) {
      for (int p = 0; p < PAGES_PER_CONNECTION; p++) {
        String session = String.format(Locale.ROOT, "http-%d-%d", c, p);
        tokens[c][p] = endpoint.token(session);
        pages[c][p] = String.format(Locale.ROOT, "page%04d%04d", c, p);
      }
    }
  }

  byte[] farewell(int connection, long count) {
    return KeepAliveLoadDriver.beaconPost("/farewell/beacon", port, body(connection, count));
  }

  byte[] bare(int connection, long count) {
    return KeepAliveLoadDriver.beaconPost("/bare/beacon", port, body(connection, count));
  }

  private String body(int connection, long count) {
    int page = (int) (count % PAGES_PER_CONNECTION);
    long seq = ++sequence[connection][page];
    String type = (seq == 1) ? "open" : "heartbeat";
    return "{\"v\":1,\"type\":\"" + type + "\",\"token\":\"" + tokens[connection][page]
        + "\",\"page\":\"" + pages[connection][page] + "\",\"seq\":" + seq + ",\"hidden\":false}";
  }
}
