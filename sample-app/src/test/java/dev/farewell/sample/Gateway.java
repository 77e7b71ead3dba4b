package dev.farewell.sample;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A reverse proxy in front of the demo, as a site's gateway would be: it forwards every request
 * (Host header included, so that the demo sees the origin the browser uses), and can do what real
 * gateways do to the snippet's traffic: add a {@code Content-Security-Policy} to HTML pages (with a
 * nonce on each of their {@code <script>} elements), and answer heartbeats with {@code 502 Bad
 * Gateway} (no {@code Retry-After}), as a proxy does whose upstream is briefly unreachable.
 */
final class Gateway implements AutoCloseable {

  /** The nonce of the policy, on every script element of the pages. */
  static final String NONCE = "gatewayNonce42";

  /**
   * The first script of every page under a policy: it lists the directives the page violated in
   * {@code window.cspViolations}.
   */
  private static final String VIOLATIONS =
      "<script nonce=\"" + NONCE + "\">window.cspViolations = [];"
          + " document.addEventListener('securitypolicyviolation',"
          + " function (e) { window.cspViolations.push(e.effectiveDirective + ' ' + e.blockedURI); });</script>";

  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "keep-alive", "transfer-encoding", "content-length", "upgrade", "te", "trailer");

  private final URI upstream;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(8);
  private final OkHttpClient http = new OkHttpClient.Builder().followRedirects(false).retryOnConnectionFailure(false).build();
  private final AtomicInteger heartbeatsToRefuse = new AtomicInteger();
  private final AtomicInteger heartbeatsRefused = new AtomicInteger();
  private volatile String policy;

  private Gateway(URI upstream, HttpServer server) {
    this.upstream = upstream;
    this.server = server;
  }

  /** Starts a gateway on a free port of 127.0.0.1 in front of {@code upstream}. */
  static Gateway start(URI upstream) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
      Gateway gateway = new Gateway(upstream, server);
      server.createContext("/", gateway::forward);
      server.setExecutor(gateway.threads);
      server.start();
      return gateway;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where browsers reach the demo through this gateway. */
  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /**
   * Serves HTML pages from now on with {@code policy} as their {@code Content-Security-Policy},
   * {@code {nonce}} standing for {@link #NONCE}.
   */
  void contentSecurityPolicy(String policy) {
    this.policy = policy.replace("{nonce}", NONCE);
  }

  /** Answers the next {@code count} heartbeats with 502 and no {@code Retry-After}. */
  void refuseHeartbeats(int count) {
    heartbeatsToRefuse.set(count);
  }

  /** How many heartbeats this gateway answered with 502. */
  int heartbeatsRefused() {
    return heartbeatsRefused.get();
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getRawPath();
      if (path.endsWith("/beacon")
          && new String(body, StandardCharsets.UTF_8).contains("\"type\":\"heartbeat\"")
          && heartbeatsToRefuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        heartbeatsRefused.incrementAndGet();
        byte[] page = "Bad Gateway".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.sendResponseHeaders(502, page.length);
        exchange.getResponseBody().write(page);
        return;
      }
      Request.Builder request = new Request.Builder().url(upstream.resolve(exchange.getRequestURI().toString()).toString());
      for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
        if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
          header.getValue().forEach(v -> request.addHeader(header.getKey(), v));
        }
      }
      String method = exchange.getRequestMethod();
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      request.method(
          method,
          method.equals("GET") || method.equals("HEAD")
              ? null
              : RequestBody.create(body, type == null ? null : MediaType.parse(type)));
      try (Response response = http.newCall(request.build()).execute()) {
        byte[] content = response.body().bytes();
        Headers headers = response.headers();
        for (String name : headers.names()) {
          if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
            headers.values(name).forEach(v -> exchange.getResponseHeaders().add(name, v));
          }
        }
        String csp = policy;
        String contentType = response.header("Content-Type", "");
        if (csp != null && contentType.startsWith("text/html")) {
          exchange.getResponseHeaders().set("Content-Security-Policy", csp);
          content =
              new String(content, StandardCharsets.UTF_8)
                  .replace("<script", "<script nonce=\"" + NONCE + "\"")
                  .replace("<head>", "<head>" + VIOLATIONS)
                  .getBytes(StandardCharsets.UTF_8);
        }
        boolean empty = content.length == 0 || method.equals("HEAD");
        exchange.sendResponseHeaders(response.code(), empty ? -1 : content.length);
        if (!empty) {
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(content);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // The browser sees the connection closed, as a gateway's failure looks.
      exchange.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
