package dev.farewell.servlet;

/**
 * Builds the origin {@code scheme://host[:port]} under which a request addressed the server, and
 * keeps the last one built: a server is addressed under one origin, or a few, so most requests
 * reuse it instead of building a string. Thread-safe; racing requests at worst build it again.
 */
final class ServerOrigins {

  private record Origin(String scheme, String host, int port, String value) {}

  private volatile Origin last = new Origin("", "", -1, "");

  /** The origin of a request with this scheme, server name and port. */
  String of(String scheme, String host, int port) {
    Origin origin = last;
    if (origin.port == port && origin.host.equals(host) && origin.scheme.equals(scheme)) {
      return origin.value;
    }
    String value = build(scheme, host, port);
    last = new Origin(scheme, host, port, value);
    return value;
  }

  static String build(String scheme, String host, int port) {
    String bracketed = (host.indexOf(':') >= 0 && !host.startsWith("[")) ? "[" + host + "]" : host;
    boolean defaultPort =
        port <= 0
            || "http".equalsIgnoreCase(scheme) && port == 80
            || "https".equalsIgnoreCase(scheme) && port == 443;
    return scheme + "://" + bracketed + (defaultPort ? "" : ":" + port);
  }
}
