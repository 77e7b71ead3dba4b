package dev.farewell.benchmarks;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small HTTP/1.1 load generator over raw sockets: several keep-alive connections, each on its own
 * thread with one request in flight, as browsers' beacons arrive at a server. It costs the client
 * as little as possible (no HTTP library), so that the shared CPU goes to the server under test.
 */
final class KeepAliveLoadDriver {

  /** Makes the bytes of the next request (head and body) for one connection. */
  @FunctionalInterface
  interface RequestSource {
    byte[] next(int connection, long count);
  }

  /** What a run did: requests answered, by status, in how long. */
  /**
   * What one run did: requests answered, by status, in how long, and the CPU time the whole
   * process (server and driver) spent meanwhile.
   */
  record Result(long requests, TreeMap<Integer, Long> statuses, double seconds, double cpuSeconds) {
    double perSecond() {
      return requests / seconds;
    }

    long count(int status) {
      return statuses.getOrDefault(status, 0L);
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%d requests in %.1f s, statuses %s, process CPU %.1f us per request",
          requests, seconds, statuses, cpuSeconds * 1e6 / Math.max(1, requests));
    }
  }

  private final int port;
  private final int connections;

  KeepAliveLoadDriver(int port, int connections) {
    this.port = port;
    this.connections = connections;
  }

  /** Sends requests from every connection for {@code duration}; throws if a connection failed. */
  Result run(RequestSource source, Duration duration) throws InterruptedException {
    long end = System.nanoTime() + duration.toNanos();
    long[][] statuses = new long[connections][600];
    AtomicReference<Exception> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    for (int c = 0; c < connections; c++) {
      int connection = c;
      Thread thread =
          new Thread(
              () -> {
                try {
                  drive(connection, source, end, statuses[connection]);
                } catch (Exception e) {
                  failure.compareAndSet(null, e);
                }
              },
              "load-" + c);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
    if (failure.get() != null) {
      throw new IllegalStateException("a load connection failed: " + failure.get(), failure.get());
    }
    TreeMap<Integer, Long> byStatus = new TreeMap<>();
    long total = 0;
    for (long[] perConnection : statuses) {
      for (int s = 0; s < perConnection.length; s++) {
        if (perConnection[s] > 0) {
          byStatus.merge(s, perConnection[s], Long::sum);
          total += perConnection[s];
        }
      }
    }
    return new Result(total, byStatus, seconds, cpuSeconds);
  }

  private void drive(int connection, RequestSource source, long end, long[] statuses)
      throws IOException {
    Socket socket = open();
    try {
      InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
      OutputStream out = socket.getOutputStream();
      long count = 0;
      while (System.nanoTime() < end) {
        out.write(source.next(connection, count++));
        out.flush();
        Response response = readResponse(in);
        statuses[response.status]++;
        if (response.close) {
          socket.close();
          socket = open();
          in = new BufferedInputStream(socket.getInputStream(), 8192);
          out = socket.getOutputStream();
        }
      }
    } finally {
      socket.close();
    }
  }

  private Socket open() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setTcpNoDelay(true);
    return socket;
  }

  record Response(int status, boolean close) {}

  /** CPU time of the whole process so far, or 0 where the JVM does not tell. */
  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
    }
    return 0;
  }

  static Response readResponse(InputStream in) throws IOException {
    String statusLine = readLine(in);
    if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
      throw new IOException("not an HTTP/1.1 answer: " + statusLine);
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
      if (name.equals("content-length")) {
        length = Long.parseLong(value);
      } else if (name.equals("transfer-encoding") && value.contains("chunked")) {
        chunked = true;
      } else if (name.equals("connection") && value.contains("close")) {
        close = true;
      }
    }
    if (chunked) {
      for (long size = Long.parseLong(readLine(in).split(";")[0].trim(), 16);
          size > 0;
          size = Long.parseLong(readLine(in).split(";")[0].trim(), 16)) {
        skip(in, size);
        readLine(in);
      }
      for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
        // trailers
      }
    } else if (length > 0) {
      skip(in, length);
    } else if (length < 0 && status != 204 && status != 304) {
      throw new IOException("answer " + status + " has neither a length nor chunks");
    }
    return new Response(status, close);
  }

  private static void skip(InputStream in, long bytes) throws IOException {
    while (bytes > 0) {
      long skipped = in.skip(bytes);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException("connection closed inside a body");
        }
        skipped = 1;
      }
      bytes -= skipped;
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder(64);
    for (int b = in.read(); ; b = in.read()) {
      if (b < 0) {
        throw new EOFException("connection closed by the server");
      }
      if (b == '\n') {
        int last = line.length() - 1;
        if (last >= 0 && line.charAt(last) == '\r') {
          line.setLength(last);
        }
        return line.toString();
      }
      line.append((char) b);
    }
  }

  /** A POST request with a {@code text/plain} body, as {@code navigator.sendBeacon} sends one. */
  static byte[] beaconPost(String path, int port, String body) {
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "POST " + path + " HTTP/1.1\r\n"
            + "Host: 127.0.0.1:" + port + "\r\n"
            + "Origin: http://127.0.0.1:" + port + "\r\n"
            + "Content-Type: text/plain;charset=UTF-8\r\n"
            + "Content-Length: " + content.length + "\r\n"
            + "\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[headBytes.length + content.length];
    System.arraycopy(headBytes, 0, request, 0, headBytes.length);
    System.arraycopy(content, 0, request, headBytes.length, content.length);
    return request;
  }
}
