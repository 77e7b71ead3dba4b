package dev.farewell.benchmarks;

import dev.farewell.Farewell;
import dev.farewell.beacon.BeaconHandler;
import dev.farewell.beacon.BeaconRequest;
import dev.farewell.beacon.BeaconResponse;
import dev.farewell.beacon.PageTokens;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Not a figure of {@code benchmarks/run}: the beacon endpoint's own work per request (origin and
 * content type, body read, message parse, token verify, both rate limiters, the engine, the
 * answer), without a container or sockets, for profiling. Pages send heartbeats with growing
 * sequence numbers under young tokens, as in the HTTP figure; the request object and its body
 * buffer are reused, so that what JMH's {@code -prof gc} reports per operation is the handler's
 * own allocation.
 *
 * <pre>
 * java -cp 'benchmarks/target/classes:benchmarks/target/lib/*' org.openjdk.jmh.Main \
 *     BeaconHandlerBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BeaconHandlerBenchmark {

  static final int PAGES = 4096;

  /** The handler, its engine and the pages' tokens, shared by all threads. */
  @State(Scope.Benchmark)
  public static class Endpoint {
    Farewell farewell;
    BeaconHandler handler;
    String[] tokens;

    /** Tracks one session per page and issues its token. */
    @Setup(Level.Trial)
    public void setUp() {
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      PageTokens pageTokens = PageTokens.newBuilder().secret(secret).build();
      Duration idle = Duration.ofMinutes(10);
      farewell =
          Farewell.newBuilder()
              .heartbeatTimeout(idle)
              .hiddenTimeout(idle)
              .openTimeout(idle)
              .build();
      handler =
          BeaconHandler.newBuilder(farewell)
              .pageTokens(pageTokens)
              .pageRateLimit(1_000_000_000, Duration.ofSeconds(1))
              .sessionRateLimit(1_000_000_000, Duration.ofSeconds(1))
              .build();
      tokens = new String[PAGES];
      for (int p = 0; p < PAGES; p++) {
        String session = String.format(Locale.ROOT, "handler-%d", p);
        farewell.track(session);
        tokens[p] = pageTokens.issue(session).value();
      }
    }

    /** Stops the engine. */
    @TearDown(Level.Trial)
    public void tearDown() {
      farewell.close();
    }
  }

  /** One thread's pages and its reusable request. */
  @State(Scope.Thread)
  public static class Pages {
    private static int threads;
    final Request request = new Request();
    String[] pages;
    long[] sequence;
    int next;
    int first;
    int stride;

    /** Takes every other page for a second thread, and so on. */
    @Setup(Level.Trial)
    public void setUp() {
      int thread;
      synchronized (Pages.class) {
        thread = threads++;
      }
      first = thread % 2;
      stride = 2;
      pages = new String[PAGES];
      sequence = new long[PAGES];
      for (int p = 0; p < PAGES; p++) {
        pages[p] = SignalMix.pageId(p, thread);
      }
      next = first;
    }

    byte[] body(Endpoint endpoint) {
      int page = next;
      next = (next + stride >= PAGES) ? first : next + stride;
      long seq = ++sequence[page];
      String type = (seq == 1) ? "open" : "heartbeat";
      return ("{\"v\":1,\"type\":\"" + type + "\",\"token\":\"" + endpoint.tokens[page]
              + "\",\"page\":\"" + pages[page] + "\",\"seq\":" + seq + ",\"hidden\":false}")
          .getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** One beacon through the handler. */
  @Benchmark
  public BeaconResponse beacon(Endpoint endpoint, Pages pages) {
    Request request = pages.request;
    request.reset(pages.body(endpoint));
    BeaconResponse response = endpoint.handler.handle(request);
    if (response.status() != 200) {
      throw new IllegalStateException("answered " + response);
    }
    return response;
  }

  /** What {@link #beacon} spends outside the handler: making the body, as a baseline. */
  @Benchmark
  public int body(Endpoint endpoint, Pages pages) {
    Request request = pages.request;
    request.reset(pages.body(endpoint));
    return request.length;
  }

  /** A same-origin {@code sendBeacon} POST, reused from one operation to the next. */
  static final class Request extends InputStream implements BeaconRequest {
    private static final Optional<String> CONTENT_TYPE = Optional.of("text/plain;charset=UTF-8");
    private static final Optional<String> SAME_ORIGIN = Optional.of("same-origin");
    private byte[] body;
    private int position;
    int length;
    private Optional<String> contentLength;

    void reset(byte[] body) {
      this.body = body;
      this.position = 0;
      this.length = body.length;
      this.contentLength = Optional.of(Integer.toString(body.length));
    }

    @Override
    public String method() {
      return "POST";
    }

    @Override
    public Optional<String> header(String name) {
      switch (name) {
        case "Content-Type":
          return CONTENT_TYPE;
        case "Content-Length":
          return contentLength;
        case "Sec-Fetch-Site":
          return SAME_ORIGIN;
        default:
          return Optional.empty();
      }
    }

    @Override
    public InputStream body() {
      return this;
    }

    @Override
    public String serverOrigin() {
      return "http://127.0.0.1:8080";
    }

    @Override
    public int read() {
      return position < length ? body[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) {
      if (position >= length) {
        return -1;
      }
      int n = Math.min(count, length - position);
      System.arraycopy(body, position, buffer, offset, n);
      position += n;
      return n;
    }
  }
}
