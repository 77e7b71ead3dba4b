package dev.farewell.benchmarks;

import dev.farewell.Farewell;
import dev.farewell.beacon.PageTokens;
import dev.farewell.servlet.FarewellServlet;
import dev.farewell.servlet.ScriptInjectionFilter;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Figure 7 (filter): HTML pages per second of a 50 KB page ({@link OrdersPageServlet}) served
 * through {@link ScriptInjectionFilter} on Jetty 12 over loopback, against the same servlet
 * serving the same page on the same server without the filter; one row for a page written through
 * the writer line by line, one for its bytes written through the output stream. Every request
 * carries the cookie of an {@code HttpSession}, so that the filter's pages get the tag (a token
 * issued and the session tracked for each, as for a real page). Keep-alive connections from
 * {@link KeepAliveLoadDriver}; all four take turns, in the warm-up too. Each rate is the median of
 * its rounds, as in the HTTP figure, and the ratio the median of the rounds' ratios (a round runs
 * the page with and without the filter one right after the other). Target (issue 17): at least
 * 0.9x the page without the filter.
 */
final class FilterFigure implements Figure {

  static final double TARGET_RATIO = 0.9;
  static final int CONNECTIONS = 4;
  private static final Pattern TAG = Pattern.compile(
      "<script src=\"/farewell/farewell\\.js\" data-token=\"[^\"]+\" integrity=\"[^\"]+\""
          + " data-endpoint=\"/farewell/beacon\" defer></script>");
  private static final Pattern BEFORE_HEAD_END = Pattern.compile(TAG.pattern() + "</head>");

  @Override
  public List<Row> run(Settings settings) throws Exception {
    Duration window = settings.quick() ? Duration.ofMillis(500) : Duration.ofSeconds(2);
    Duration round = settings.quick() ? Duration.ofMillis(300) : Duration.ofSeconds(1);
    int warmUps = settings.quick() ? 1 : 5;
    int rounds = settings.quick() ? 1 : 12;

    Duration idle = Duration.ofMinutes(10);
    Farewell farewell = Farewell.newBuilder()
        .heartbeatTimeout(idle).hiddenTimeout(idle).openTimeout(idle).build();
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    FarewellServlet farewellServlet = FarewellServlet.newBuilder(farewell)
        .pageTokens(PageTokens.newBuilder().secret(secret).build())
        .build();
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.setContextPath("/");
    context.addServletContainerInitializer((classes, servletContext) -> {
      farewellServlet.register(servletContext);
      servletContext.addServlet("orders", new OrdersPageServlet())
          .addMapping("/with/*", "/without/*");
      // Mapped on /with/* only: the baseline's requests never meet the filter.
      servletContext.addFilter("farewell-script",
              ScriptInjectionFilter.newBuilder(farewellServlet).build())
          .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/with/*");
    });
    server.setHandler(context);
    server.start();
    try {
      int port = connector.getLocalPort();
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String[] cookies = new String[CONNECTIONS];
      for (int c = 0; c < CONNECTIONS; c++) {
        cookies[c] = login(client, port);
      }
      List<Shape> shapes = List.of(
          new Shape("writer, line by line", "/orders", port, cookies, rounds),
          new Shape("stream, 8 KiB writes", "/orders-bytes", port, cookies, rounds));
      for (Shape shape : shapes) {
        checkPages(client, port, shape.path, cookies[0]);
      }
      KeepAliveLoadDriver driver = new KeepAliveLoadDriver(port, CONNECTIONS);
      StringBuilder log = new StringBuilder();
      for (int i = 0; i < warmUps; i++) {
        for (Shape shape : shapes) {
          log.append("warm-up ").append(shape.name).append(", filter: ")
              .append(driver.run(shape::filtered, window)).append('\n');
          log.append("warm-up ").append(shape.name).append(", bare: ")
              .append(driver.run(shape::bare, window)).append('\n');
        }
      }
      for (int r = 0; r < rounds; r++) {
        for (Shape shape : shapes) {
          // alternate which goes first, so that a trend in the machine's load favours neither
          KeepAliveLoadDriver.Result f;
          KeepAliveLoadDriver.Result b;
          if (r % 2 == 0) {
            f = driver.run(shape::filtered, round);
            b = driver.run(shape::bare, round);
          } else {
            b = driver.run(shape::bare, round);
            f = driver.run(shape::filtered, round);
          }
          log.append("round ").append(r).append(' ').append(shape.name).append(", filter: ")
              .append(f).append('\n');
          log.append("round ").append(r).append(' ').append(shape.name).append(", bare: ")
              .append(b).append('\n');
          HttpFigure.expectOnly(f, 200, "the page through the filter");
          HttpFigure.expectOnly(b, 200, "the page without the filter");
          shape.filterRates[r] = f.perSecond();
          shape.bareRates[r] = b.perSecond();
        }
      }
      for (Shape shape : shapes) {
        checkPages(client, port, shape.path, cookies[0]);
      }
      Files.writeString(settings.workDir().resolve("filter.log"), log);
      List<Row> rows = new ArrayList<>();
      for (Shape shape : shapes) {
        double filterRate = HttpFigure.median(shape.filterRates);
        double bareRate = HttpFigure.median(shape.bareRates);
        // Each round's two runs are next to each other: their ratio is the least moved by the
        // load of a shared machine, which changes from second to second.
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          ratios[r] = shape.filterRates[r] / shape.bareRates[r];
        }
        double ratio = HttpFigure.median(ratios);
        rows.add(new Row(
            String.format(Locale.ROOT, "50 KB HTML pages/s through the injection filter, %s,"
                + " Jetty 12, %d conns", shape.name, CONNECTIONS),
            Row.perSecond(filterRate),
            Row.perSecond(bareRate),
            String.format(Locale.ROOT, "%.2fx", ratio),
            // A smoke run's half-second turns end before the filter's code is compiled.
            settings.quick() ? ">= " + TARGET_RATIO + "x (full run)" : ">= " + TARGET_RATIO + "x",
            settings.quick() ? Row.Verdict.INFO : Row.verdict(ratio >= TARGET_RATIO)));
      }
      return rows;
    } finally {
      server.stop();
      farewell.close();
    }
  }

  /** Makes an {@code HttpSession}; returns its cookie ({@code JSESSIONID=…}). */
  private static String login(HttpClient client, int port)
      throws IOException, InterruptedException {
    HttpResponse<Void> answer = client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/without/login")).build(),
        HttpResponse.BodyHandlers.discarding());
    String setCookie = answer.headers().firstValue("Set-Cookie")
        .orElseThrow(() -> new IllegalStateException("the login made no session: " + answer));
    return setCookie.substring(0, setCookie.indexOf(';') < 0 ? setCookie.length()
        : setCookie.indexOf(';'));
  }

  /**
   * Refuses to measure what is not the promised work: the filtered page must carry exactly one
   * tag, right before {@code </head>}, and be the page itself without it; the other, the page as
   * written.
   */
  private static void checkPages(HttpClient client, int port, String path, String cookie)
      throws IOException, InterruptedException {
    String page = OrdersPageServlet.page();
    String filtered = get(client, port, "/with" + path, cookie);
    Matcher tag = TAG.matcher(filtered);
    if (!tag.find() || tag.find() || !BEFORE_HEAD_END.matcher(filtered).find()
        || !TAG.matcher(filtered).replaceAll("").equals(page)) {
      throw new IllegalStateException("the page through the filter is not the page with one tag"
          + " before </head>; it starts: "
          + filtered.substring(0, Math.min(2000, filtered.length())));
    }
    if (!get(client, port, "/without" + path, cookie).equals(page)) {
      throw new IllegalStateException("the page without the filter is not the page written");
    }
  }

  private static String get(HttpClient client, int port, String path, String cookie)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> answer = client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Cookie", cookie).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException(path + " answered " + answer.statusCode());
    }
    return new String(answer.body(), StandardCharsets.UTF_8);
  }

  /** One way of writing the page: its requests through the filter and without it, its rounds. */
  private static final class Shape {
    final String name;
    final String path;
    final byte[][] with = new byte[CONNECTIONS][];
    final byte[][] without = new byte[CONNECTIONS][];
    final double[] filterRates;
    final double[] bareRates;

    Shape(String name, String path, int port, String[] cookies, int rounds) {
      this.name = name;
      this.path = path;
      for (int c = 0; c < CONNECTIONS; c++) {
        with[c] = pageRequest("/with" + path, port, cookies[c]);
        without[c] = pageRequest("/without" + path, port, cookies[c]);
      }
      filterRates = new double[rounds];
      bareRates = new double[rounds];
    }

    byte[] filtered(int connection, long count) {
      return with[connection];
    }

    byte[] bare(int connection, long count) {
      return without[connection];
    }
  }

  private static byte[] pageRequest(String path, int port, String cookie) {
    return ("GET " + path + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "Accept: text/html\r\n"
        + "Cookie: " + cookie + "\r\n"
        + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }
}
