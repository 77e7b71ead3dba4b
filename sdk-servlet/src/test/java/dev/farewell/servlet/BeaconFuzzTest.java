package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.SessionView;
import dev.farewell.beacon.PageTokens;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * 100,000 random and mutated requests through the real servlet in Jetty (and 5,000 in Tomcat), over
 * keep-alive HTTP: no 5xx, no escaped exception, nothing logged above DEBUG, and no session changed
 * by a refused message.
 */
class BeaconFuzzTest {

  private static final int REQUESTS = 100_000;
  private static final long SEED = 20261121L;
  private static final int THREADS = 4;

  @Test
  void hostileBodiesNeverCauseA5xxNorChangeASessionWhenRefusedInJetty() throws Exception {
    fuzz(new JettyContainer(), REQUESTS);
  }

  @Test
  void hostileBodiesNeverCauseA5xxNorChangeASessionWhenRefusedInTomcat() throws Exception {
    fuzz(new TomcatContainer(), REQUESTS / 20);
  }

  private void fuzz(ServletContainer newContainer, int requests) throws Exception {
    Farewell farewell =
        Farewell.newBuilder()
            .heartbeatTimeout(Duration.ofMinutes(5))
            .hiddenTimeout(Duration.ofMinutes(10))
            .openTimeout(Duration.ofMinutes(5))
            .exitGrace(Duration.ofMinutes(5))
            .navigationGrace(Duration.ofMinutes(5))
            .build();
    FarewellServlet servlet =
        FarewellServlet.newBuilder(farewell)
            .pageTokens(PageTokens.newBuilder().secret(BeaconEndpointContract.SECRET).build())
            .cookieMode(true)
            .build();
    TestApplication application = new TestApplication(servlet);
    OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();
    ExecutorService workers = Executors.newFixedThreadPool(THREADS);
    PrintStream stderr = System.err;
    LogWatch logWatch = new LogWatch(stderr);
    try (ServletContainer container = newContainer) {
      URI base = container.start(application);
      System.setErr(logWatch);
      // The watch must see what the SDK logs, or its silence proves nothing.
      org.slf4j.LoggerFactory.getLogger(BeaconFuzzTest.class).warn("the log watch sees this line");
      assertThat(logWatch.alarming()).hasSize(1);
      logWatch.alarming().clear();
      long started = System.nanoTime();
      List<Future<Map<Integer, Integer>>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        results.add(workers.submit(() -> fuzz(farewell, http, base, thread, requests / THREADS)));
      }
      Map<Integer, Integer> codes = new TreeMap<>();
      for (Future<Map<Integer, Integer>> result : results) {
        result.get().forEach((code, count) -> codes.merge(code, count, Integer::sum));
      }

      System.setErr(stderr);
      System.out.printf("fuzz in %s: %d requests in %d ms, answers %s%n",
          container, requests, (System.nanoTime() - started) / 1_000_000, codes);
      assertThat(codes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(requests);
      assertThat(application.escaped).isEmpty();
      assertThat(logWatch.alarming()).as("log lines above DEBUG during the fuzz").isEmpty();
      assertThat(codes.keySet()).contains(200, 400, 401, 403, 413, 415);
    } finally {
      System.setErr(stderr);
      workers.shutdownNow();
      farewell.close();
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  /**
   * One worker: its own victim sessions and its own seed, so that what it checks after each
   * refused request is not changed by the other workers' accepted ones.
   */
  private static Map<Integer, Integer> fuzz(
      Farewell farewell, OkHttpClient http, URI base, int thread, int requests)
      throws IOException {
    List<String> keys = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    List<String> pages = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Browser browser = new Browser(base, http);
      String token = browser.pageToken();
      String page = "victim-page-" + thread + "-" + i;
      assertThat(browser.beacon(BeaconEndpointContract.message("open", token, page, 1_000_000, false)).code())
          .isEqualTo(200);
      keys.add(browser.sessionKey());
      tokens.add(token);
      pages.add(page);
    }
    tokens.add("forged." + "A".repeat(43));
    pages.add("unknown-page-" + thread);
    HostileBodies bodies = new HostileBodies(SEED + thread, tokens, pages, base.toString());
    Map<String, Optional<SessionView>> state = snapshot(farewell, keys);
    Map<Integer, Integer> codes = new TreeMap<>();
    for (int i = 0; i < requests; i++) {
      HostileBodies.Hostile hostile = bodies.next();
      int code = send(http, base, hostile);
      codes.merge(code, 1, Integer::sum);
      assertThat(code).as("worker %d request %d: %s", thread, i, describe(hostile)).isLessThan(500);
      Map<String, Optional<SessionView>> after = snapshot(farewell, keys);
      if (code >= 300) {
        assertThat(after)
            .as("refused request %d (%d) of worker %d changed a session: %s", i, code, thread, describe(hostile))
            .isEqualTo(state);
      }
      state = after;
    }
    return codes;
  }

  /** Passes standard error through and keeps the lines that a rejected request must not log. */
  private static final class LogWatch extends PrintStream {
    private final List<String> alarming = java.util.Collections.synchronizedList(new ArrayList<>());

    LogWatch(PrintStream target) {
      super(target, true, StandardCharsets.UTF_8);
    }

    // PrintStream subclasses get println(String) as print(String) and a line break.
    @Override
    public void print(String line) {
      if (line != null && (line.contains("WARN") || line.contains("ERROR") || line.contains("Exception")
          || line.contains("SEVERE"))) {
        alarming.add(line);
      }
      super.print(line);
    }

    List<String> alarming() {
      return alarming;
    }
  }

  private static Map<String, Optional<SessionView>> snapshot(Farewell farewell, List<String> keys) {
    Map<String, Optional<SessionView>> views = new HashMap<>();
    for (String key : keys) {
      views.put(key, farewell.session(key));
    }
    return views;
  }

  private static int send(OkHttpClient http, URI base, HostileBodies.Hostile hostile) throws IOException {
    Request.Builder request = new Request.Builder().url(base.resolve("/farewell/beacon").toString())
        .post(RequestBody.create(hostile.body(), (MediaType) null));
    if (hostile.contentType() != null) {
      request.header("Content-Type", hostile.contentType());
    }
    if (hostile.origin() != null) {
      request.header("Origin", hostile.origin());
    }
    try (Response response = http.newCall(request.build()).execute()) {
      response.body().bytes();
      return response.code();
    }
  }

  private static String describe(HostileBodies.Hostile hostile) {
    String body = new String(hostile.body(), StandardCharsets.UTF_8);
    return hostile.contentType() + " from " + hostile.origin() + ": "
        + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
  }
}
