package dev.farewell.redis;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseAction;
import dev.farewell.RetryPolicy;
import dev.farewell.RetryableReleaseException;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One engine node of {@link NodeKillTest}, run as a process of its own that the test kills with
 * {@code kill -9}. It serves the pages' signals over HTTP ({@code /signal}, {@code /track},
 * {@code /release}) and its release action takes a random while, fails now and then (retried),
 * and writes a line {@code done key releaseId node reason lastSignal= due= released=} to the
 * node's file when it completes; every attempt first writes {@code start ...}. A signal is answered
 * with its status and the moment (epoch millis) the node took it.
 *
 * <p>Arguments: redis URI, key prefix, node name, record file, HTTP port file, and optionally the
 * partition grace (ISO-8601, default 1.5 s).
 */
public final class KilledNode {

  static final Duration INTERVAL = Duration.ofMillis(1_000);
  static final Duration TIMEOUT = Duration.ofMillis(4_000);
  static final Duration LEASE = Duration.ofMillis(2_000);

  private KilledNode() {}

  public static void main(String[] args) throws Exception {
    URI redis = URI.create(args[0]);
    String prefix = args[1];
    String name = args[2];
    FileChannel record = FileChannel.open(Path.of(args[3]), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    RedisSessionStore store = RedisSessionStore.newBuilder()
        .redisUri(redis)
        .keyPrefix(prefix)
        .sweepInterval(Duration.ofMillis(100))
        .claimLease(LEASE)
        .recoveryGrace(Duration.ofSeconds(2))
        .partitionGrace(args.length > 5 ? Duration.parse(args[5]) : Duration.ofMillis(1_500))
        .build();
    Farewell farewell = Farewell.newBuilder()
        .heartbeatInterval(INTERVAL)
        .heartbeatTimeout(TIMEOUT)
        .hiddenTimeout(Duration.ofSeconds(6))
        .exitGrace(Duration.ofMillis(500))
        .navigationGrace(Duration.ofMillis(1_000))
        .openTimeout(Duration.ofSeconds(4))
        .releaseAction(((ReleaseAction) release -> {
          write(record, "start", release, name);
          CompletableFuture<Void> done = new CompletableFuture<>();
          ThreadLocalRandom random = ThreadLocalRandom.current();
          timer.schedule(() -> {
            if (random.nextInt(4) == 0) {
              done.completeExceptionally(new RetryableReleaseException("downstream busy", null));
            } else {
              write(record, "done", release, name);
              done.complete(null);
            }
          }, random.nextLong(1_500), TimeUnit.MILLISECONDS);
          return done;
        }).withRetryPolicy(RetryPolicy.newBuilder().maxAttempts(100)
            .initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofMillis(500))
            .maxTotalTime(Duration.ofMinutes(5)).build()))
        .store(store)
        .build();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", exchange -> serve(farewell, exchange));
    server.start();
    java.nio.file.Files.writeString(Path.of(args[4] + ".tmp"),
        Integer.toString(server.getAddress().getPort()));
    java.nio.file.Files.move(Path.of(args[4] + ".tmp"), Path.of(args[4]));
    Thread.currentThread().join();
  }

  private static void serve(Farewell farewell, HttpExchange exchange) throws IOException {
    long receivedAt = System.currentTimeMillis();
    Map<String, String> q = new HashMap<>();
    String query = exchange.getRequestURI().getRawQuery();
    for (String pair : query == null ? new String[0] : query.split("&")) {
      int eq = pair.indexOf('=');
      q.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    String answer;
    int status = 200;
    try {
      switch (exchange.getRequestURI().getPath()) {
        case "/signal" -> {
          Signal signal = Signal.of(SignalType.valueOf(q.get("type")), q.get("session"),
              q.get("page"), Long.parseLong(q.get("seq")));
          SignalResult result = farewell.signal(signal);
          // When the node took the signal: the page's beat reached the engine then, not when the
          // test sent it (a starved node reads its requests late).
          answer = result.status().name() + " " + receivedAt;
        }
        case "/track" -> answer = farewell.track(q.get("session"),
            Map.of("user", q.get("session"))).status().name();
        case "/release" -> answer = Boolean.toString(farewell.release(q.get("session")));
        default -> {
          status = 404;
          answer = "?";
        }
      }
    } catch (RuntimeException e) {
      status = 503;
      answer = e.toString();
    }
    byte[] body = answer.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static synchronized void write(FileChannel file, String what, Release release,
      String node) {
    String line = what + " " + release.sessionKey() + " " + release.releaseId() + " " + node + " "
        + release.reason() + " lastSignal=" + release.lastSignalAt() + " due="
        + release.dueAt().toEpochMilli() + " released=" + release.releasedAt() + "\n";
    try {
      file.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
