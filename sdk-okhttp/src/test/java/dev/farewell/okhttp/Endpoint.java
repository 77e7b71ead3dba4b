package dev.farewell.okhttp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** A MockWebServer on 127.0.0.1 that records when each request arrived. */
final class Endpoint implements AutoCloseable {
  /** A request and the moment (System.nanoTime) it reached the server. */
  record Arrival(long nanos, RecordedRequest request) {}

  final MockWebServer server = new MockWebServer();
  final List<Arrival> arrivals = new CopyOnWriteArrayList<>();

  Endpoint(Function<RecordedRequest, MockResponse> responder) {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            arrivals.add(new Arrival(System.nanoTime(), request));
            return responder.apply(request);
          }
        });
    try {
      server.start(InetAddress.getByName("127.0.0.1"), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Answers with {@code responses} in turn, repeating the last one. */
  static Function<RecordedRequest, MockResponse> inTurn(MockResponse... responses) {
    AtomicInteger next = new AtomicInteger();
    return request -> responses[Math.min(next.getAndIncrement(), responses.length - 1)];
  }

  static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).build();
  }

  /** The URL of {@code path} on this server, under the host name {@code host}. */
  String url(String host, String path) {
    return "http://" + host + ":" + server.getPort() + path;
  }

  String url(String path) {
    return url("127.0.0.1", path);
  }

  @Override
  public void close() {
    server.close();
  }
}
