package dev.farewell.benchmarks;

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
      AnswerReader in = new AnswerReader(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      long count = 0;
      while (System.nanoTime() < end) {
        out.write(source.next(connection, count++));
        out.flush();
        Response response = in.next();
        statuses[response.status]++;
        if (response.close) {
          socket.close();
          socket = open();
          in = new AnswerReader(socket.getInputStream());
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

  /**
   * Reads answers from one connection, through its own unsynchronized buffer and without a string
   * per header line, so that reading an answer costs the driver little whatever its headers.
   */
  static final class AnswerReader {
    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private final byte[] line = new byte[1024];
    private int position;
    private int limit;

    AnswerReader(InputStream in) {
      this.in = in;
    }

    /** Reads the next answer, body included. */
    Response next() throws IOException {
      int length = readLine();
      if (length < 12 || !startsWith(length, "http/1.1 ")) {
        throw new IOException(
            "not an HTTP/1.1 answer: " + new String(line, 0, length, StandardCharsets.US_ASCII));
      }
      int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
      long contentLength = -1;
      boolean chunked = false;
      boolean close = false;
      for (length = readLine(); length > 0; length = readLine()) {
        if (startsWith(length, "content-length:")) {
          contentLength = number(15, length, 10);
        } else if (startsWith(length, "transfer-encoding:")) {
          chunked = contains(length, "chunked");
        } else if (startsWith(length, "connection:")) {
          close = contains(length, "close");
        }
      }
      if (chunked) {
        for (long size = chunkSize(); size > 0; size = chunkSize()) {
          skip(size);
          readLine();
        }
        while (readLine() > 0) {
          // trailers
        }
      } else if (contentLength > 0) {
        skip(contentLength);
      } else if (contentLength < 0 && status != 204 && status != 304) {
        throw new IOException("answer " + status + " has neither a length nor chunks");
      }
      return new Response(status, close);
    }

    private long chunkSize() throws IOException {
      int length = readLine();
      int end = 0;
      while (end < length && line[end] != ';') {
        end++;
      }
      return number(0, end, 16);
    }

    private int read() throws IOException {
      if (position == limit) {
        limit = in.read(buffer, 0, buffer.length);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          throw new EOFException("connection closed by the server");
        }
      }
      return buffer[position++];
    }

    /** Reads a line without its CR LF into {@code line} (cut at its size); returns its length. */
    private int readLine() throws IOException {
      int length = 0;
      for (int b = read(); b != '\n'; b = read()) {
        if (length < line.length) {
          line[length++] = (byte) b;
        }
      }
      return (length > 0 && line[length - 1] == '\r') ? length - 1 : length;
    }

    private void skip(long bytes) throws IOException {
      while (bytes > 0) {
        if (position == limit) {
          read();
          bytes--;
          continue;
        }
        int step = (int) Math.min(bytes, limit - position);
        position += step;
        bytes -= step;
      }
    }

    /** Whether the line starts with {@code lowerCase}, ignoring case. */
    private boolean startsWith(int length, String lowerCase) {
      if (length < lowerCase.length()) {
        return false;
      }
      for (int i = 0; i < lowerCase.length(); i++) {
        if (Character.toLowerCase(line[i]) != lowerCase.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    private boolean contains(int length, String lowerCase) {
      for (int from = 0; from + lowerCase.length() <= length; from++) {
        int i = 0;
        while (i < lowerCase.length()
            && Character.toLowerCase(line[from + i]) == lowerCase.charAt(i)) {
          i++;
        }
        if (i == lowerCase.length()) {
          return true;
        }
      }
      return false;
    }

    private long number(int from, int to, int radix) throws IOException {
      long value = 0;
      int digits = 0;
      for (int i = from; i < to; i++) {
        int digit = Character.digit(line[i], radix);
        if (digit >= 0) {
          value = value * radix + digit;
          digits++;
        } else if (line[i] != ' ' && line[i] != '\t' || digits > 0) {
          break;
        }
      }
      if (digits == 0) {
        throw new IOException(
            "not a number: " + new String(line, from, to - from, StandardCharsets.US_ASCII));
      }
      return value;
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
