package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.PageState;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.SessionState;
import dev.farewell.SessionView;
import dev.farewell.beacon.OriginPolicy;
import dev.farewell.beacon.PageTokens;
import dev.farewell.servlet.Browser.Answer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.GZIPInputStream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The beacon endpoint over real HTTP in a real container: every answer code of protocol v1, every
 * body form, and the attacks that must change nothing. Subclasses pick the container.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BeaconEndpointContract {

  static final byte[] SECRET = "an example secret of 32+ bytes, for tests".getBytes(StandardCharsets.UTF_8);
  static final String ALLOWED = "http://allowed.example";

  final Queue<Release> releases = new ConcurrentLinkedQueue<>();
  Farewell farewell;
  HttpSessionBridge httpSessions;
  TestApplication application;
  ServletContainer container;
  URI base;
  OkHttpClient http;

  abstract ServletContainer newContainer();

  @BeforeAll
  void startContainer() throws Exception {
    httpSessions = HttpSessionBridge.create();
    farewell =
        Farewell.newBuilder()
            .heartbeatInterval(Duration.ofSeconds(1))
            .heartbeatTimeout(Duration.ofSeconds(5))
            .hiddenTimeout(Duration.ofSeconds(10))
            .openTimeout(Duration.ofSeconds(5))
            .exitGrace(Duration.ofMillis(300))
            .navigationGrace(Duration.ofSeconds(2))
            .maximumPagesPerSession(4)
            .releaseAction(httpSessions.invalidateOnRelease())
            .onRelease(releases::add)
            .build();
    FarewellServlet servlet =
        FarewellServlet.newBuilder(farewell)
            .pageTokens(PageTokens.newBuilder().secret(SECRET).build())
            .originPolicy(OriginPolicy.allowing(ALLOWED))
            .cookieMode(true)
            .pageRateLimit(20, Duration.ofSeconds(10))
            .httpSessionBridge(httpSessions)
            .build();
    application = new TestApplication(servlet);
    container = newContainer();
    base = container.start(application);
    http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterEach
  void noExceptionEscaped() {
    assertThat(application.escaped).isEmpty();
  }

  @AfterAll
  void stopContainer() throws Exception {
    farewell.close();
    container.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  Browser newBrowser() {
    return new Browser(base, http);
  }

  static String page() {
    return "page-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String message(String type, String token, String page, long seq, Boolean hidden) {
    return "{\"v\":1,\"type\":\"" + type + "\""
        + (token == null ? "" : ",\"token\":\"" + token + "\"")
        + ",\"page\":\"" + page + "\",\"seq\":" + seq
        + (hidden == null ? "" : ",\"hidden\":" + hidden) + "}";
  }

  Optional<SessionView> session(String token) {
    return farewell.session(PageTokens.newBuilder().secret(SECRET).build().verify(token)
        .orElseThrow().sessionKey());
  }

  List<Release> releasesOf(String sessionKey) {
    return releases.stream().filter(r -> r.sessionKey().equals(sessionKey)).toList();
  }

  // ---- 200 ----

  @Test
  void anOpenIsAnsweredLiveWithTheHeartbeatInterval() {
    Browser browser = newBrowser();
    String token = browser.pageToken();
    String page = page();

    Answer answer = browser.beacon(message("open", token, page, 1, false));

    assertThat(answer.code()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("{\"status\":\"live\",\"heartbeatMs\":1000}");
    assertThat(answer.header("Content-Type")).startsWith("application/json");
    SessionView session = session(token).orElseThrow();
    assertThat(session.pages()).singleElement().satisfies(p -> {
      assertThat(p.pageId()).isEqualTo(page);
      assertThat(p.state()).isEqualTo(PageState.VISIBLE);
      assertThat(p.sequence()).isEqualTo(1);
    });
  }

  @Test
  void anExitIsAnsweredExitingAndReleasesOnceWithExitAndInvalidatesTheHttpSession() {
    Browser browser = newBrowser();
    String token = browser.pageToken();
    String key = browser.sessionKey();
    String page = page();
    browser.beacon(message("open", token, page, 1, false));

    Answer answer = browser.beacon(message("exit", token, page, 2, null));

    assertThat(answer.code()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("{\"status\":\"exiting\"}");
    await().atMost(Duration.ofSeconds(5)).until(() -> !releasesOf(key).isEmpty());
    await().atMost(Duration.ofSeconds(5)).until(() -> browser.sessionKey() == null);
    assertThat(releasesOf(key)).singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo(ReleaseReason.EXIT));
    assertThat(httpSessions.remembers(key)).isFalse();
    assertThat(releasesOf(key).get(0).attributes()).containsEntry("user", "alice");
  }

  @Test
  void aSessionWhosePageNeverSignalsIsReleasedWithTimeoutAndItsHttpSessionInvalidated() {
    Browser browser = newBrowser();
    browser.pageToken();
    String key = browser.sessionKey();

    await().atMost(Duration.ofSeconds(15)).until(() -> !releasesOf(key).isEmpty());

    assertThat(releasesOf(key)).singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo(ReleaseReason.TIMEOUT));
    await().atMost(Duration.ofSeconds(5)).until(() -> browser.sessionKey() == null);
    assertThat(releasesOf(key)).hasSize(1);
  }

  @Test
  void aTokenPastHalfItsLifeIsReplacedInTheHeartbeatAnswer() {
    Browser browser = newBrowser();
    browser.pageToken();
    String key = browser.sessionKey();
    Clock sevenHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(7)), ZoneOffset.UTC);
    String old = PageTokens.newBuilder().secret(SECRET).clock(sevenHoursAgo).build().issue(key).value();

    Answer answer = browser.beacon(message("heartbeat", old, page(), 1, false));

    assertThat(answer.code()).isEqualTo(200);
    String fresh = answer.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    assertThat(fresh).isNotEqualTo(old).isNotEqualTo(answer.body());
    assertThat(PageTokens.newBuilder().secret(SECRET).build().verify(fresh).orElseThrow().sessionKey())
        .isEqualTo(key);
    Answer again = browser.beacon(message("heartbeat", fresh, page(), 1, false));
    assertThat(again.body()).doesNotContain("token");
  }

  @Test
  void inAppNavigationIsCancelledByTheNextPageBeingServed() throws Exception {
    Browser browser = newBrowser();
    String token = browser.pageToken();
    String key = browser.sessionKey();
    String page = page();
    browser.beacon(message("open", token, page, 1, false));

    browser.beacon(message("exit", token, page, 2, null).replace("}", ",\"nav\":true}"));
    String next = browser.pageToken();
    browser.beacon(message("open", next, page(), 1, false));

    await().pollDelay(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4))
        .until(() -> farewell.session(key).isPresent());
    assertThat(releasesOf(key)).isEmpty();
    assertThat(farewell.session(key).orElseThrow().state()).isEqualTo(SessionState.LIVE);
  }

  // ---- body forms ----

  @Test
  void everyBodyFormABrowserCanSendIsAccepted() {
    Browser browser = newBrowser();
    String token = browser.pageToken();
    String page = page();
    Map<String, String> sameOrigin = Map.of("Origin", browser.origin());
    long seq = 0;

    String json = message("heartbeat", token, page, ++seq, false);
    assertThat(browser.post("/farewell/beacon", "text/plain;charset=UTF-8", bytes(json), sameOrigin).code())
        .isEqualTo(200);
    json = message("heartbeat", token, page, ++seq, false);
    assertThat(browser.post("/farewell/beacon", "application/json", bytes(json), sameOrigin).code())
        .isEqualTo(200);
    json = message("heartbeat", token, page, ++seq, false);
    assertThat(browser.post("/farewell/beacon", null, bytes(json), sameOrigin).code()).isEqualTo(200);
    json = message("heartbeat", token, page, ++seq, false);
    String form = "d=" + URLEncoder.encode(json, StandardCharsets.UTF_8);
    assertThat(browser.post("/farewell/beacon", "application/x-www-form-urlencoded;charset=UTF-8",
        bytes(form), sameOrigin).code()).isEqualTo(200);
    json = message("hidden", token, page, ++seq, true);
    String boundary = "----WebKitFormBoundaryAbC123";
    String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"d\"\r\n\r\n"
        + json + "\r\n--" + boundary + "--\r\n";
    assertThat(browser.post("/farewell/beacon", "multipart/form-data; boundary=" + boundary,
        bytes(multipart), sameOrigin).code()).isEqualTo(200);

    assertThat(session(token).orElseThrow().pages()).singleElement().satisfies(p -> {
      assertThat(p.sequence()).isEqualTo(5);
      assertThat(p.state()).isEqualTo(PageState.HIDDEN);
    });
  }

  // ---- 410 ----

  @Test
  void aSignalOfAReleasedSessionIsAnswered410WithTheReason() {
    Browser browser = newBrowser();
    String token = browser.pageToken();
    String key = browser.sessionKey();
    String page = page();
    browser.beacon(message("open", token, page, 1, false));

    browser.post("/app/logout", null, new byte[0], Map.of());
    Answer answer = browser.beacon(message("heartbeat", token, page, 2, false));

    assertThat(answer.code()).isEqualTo(410);
    assertThat(answer.body()).isEqualTo("{\"status\":\"released\",\"reason\":\"EXPLICIT\"}");
    await().atMost(Duration.ofSeconds(5)).until(() -> !releasesOf(key).isEmpty());
    assertThat(releasesOf(key)).singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo(ReleaseReason.EXPLICIT));
    assertThat(httpSessions.remembers(key)).isFalse();
  }

  @Test
  void aTokenOlderThanTheTombstoneTtlCannotStartAKeyThatIsNotLive() {
    String key = "gone-" + UUID.randomUUID();
    Clock elevenMinutesAgo = Clock.fixed(Instant.now().minus(Duration.ofMinutes(11)), ZoneOffset.UTC);
    String old = PageTokens.newBuilder().secret(SECRET).clock(elevenMinutesAgo).build().issue(key).value();

    Answer answer = newBrowser().beacon(message("heartbeat", old, page(), 1, false));

    assertThat(answer.code()).isEqualTo(410);
    assertThat(answer.body()).isEqualTo("{\"status\":\"released\",\"reason\":\"TIMEOUT\"}");
    assertThat(farewell.session(key)).isEmpty();
  }

  @Test
  void aYoungTokenStartsAKeyTheEngineDoesNotKnow() {
    String key = "restarted-" + UUID.randomUUID();
    Clock nineMinutesAgo = Clock.fixed(Instant.now().minus(Duration.ofMinutes(9)), ZoneOffset.UTC);
    String young = PageTokens.newBuilder().secret(SECRET).clock(nineMinutesAgo).build().issue(key).value();

    Answer answer = newBrowser().beacon(message("heartbeat", young, page(), 1, false));

    assertThat(answer.code()).isEqualTo(200);
    assertThat(answer.body()).contains("\"token\":");
    assertThat(farewell.session(key)).isPresent();
  }

  // ---- 400 ----

  @Test
  void aMalformedMessageIsAnswered400WithAReasonAndChangesNothing() {
    Browser browser = newBrowser();
    String token = browser.pageToken();
    String page = page();
    browser.beacon(message("open", token, page, 1, false));

    Answer answer = browser.beacon(message("hidden", token, page, 2, null));

    assertThat(answer.code()).isEqualTo(400);
    assertThat(answer.body()).contains("\"error\":\"malformed\"").contains("hidden is missing");
    assertThat(session(token).orElseThrow().pages().get(0).state()).isEqualTo(PageState.VISIBLE);
  }

  // ---- 401 ----

  @Test
  void aMessageWithoutTokenOrSessionIsAnswered401() {
    Browser browser = newBrowser();

    Answer answer = browser.beacon(message("open", null, page(), 1, false));

    assertThat(answer.code()).isEqualTo(401);
    assertThat(answer.body()).contains("\"error\":\"unauthorized\"");
  }

  @Test
  void aForgedTokenIsAnswered401AndChangesNothing() {
    Browser browser = newBrowser();
    String token = browser.pageToken();
    String key = browser.sessionKey();
    String page = page();
    browser.beacon(message("open", token, page, 1, false));
    SessionView before = farewell.session(key).orElseThrow();
    String forged = PageTokens.newBuilder().secret("another secret, just as long as 32 bytes".getBytes(StandardCharsets.UTF_8))
        .build().issue(key).value();

    assertThat(browser.beacon(message("exit", forged, page, 9, null)).code()).isEqualTo(401);
    int at = token.length() - 2;
    String flipped = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
    assertThat(browser.beacon(message("exit", flipped, page, 9, null)).code()).isEqualTo(401);

    assertThat(farewell.session(key)).contains(before);
  }

  @Test
  void anExpiredTokenIsAnswered401() {
    Browser browser = newBrowser();
    browser.pageToken();
    String key = browser.sessionKey();
    Clock longAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(13)), ZoneOffset.UTC);
    String expired = PageTokens.newBuilder().secret(SECRET).clock(longAgo).build().issue(key).value();

    assertThat(browser.beacon(message("heartbeat", expired, page(), 1, false)).code()).isEqualTo(401);
  }

  @Test
  void cookieModeResolvesASameOriginMessageWithoutTokenToTheHttpSession() {
    Browser browser = newBrowser();
    String token = browser.pageToken();
    String page = page();

    Answer answer = browser.beacon(message("open", null, page, 1, false));

    assertThat(answer.code()).isEqualTo(200);
    assertThat(session(token).orElseThrow().pages()).extracting(p -> p.pageId()).containsExactly(page);
    Answer noOriginHeaders =
        browser.post("/farewell/beacon", "text/plain", bytes(message("heartbeat", null, page, 2, false)), Map.of());
    assertThat(noOriginHeaders.code()).isEqualTo(401);
  }

  // ---- 403 and CORS ----

  @Test
  void aCrossSiteMessageIsAnswered403AndChangesNothing() {
    Browser browser = newBrowser();
    String token = browser.pageToken();
    String key = browser.sessionKey();
    String page = page();
    browser.beacon(message("open", token, page, 1, false));
    SessionView before = farewell.session(key).orElseThrow();

    Answer evil = browser.post("/farewell/beacon", "text/plain", bytes(message("exit", token, page, 5, null)),
        Map.of("Origin", "https://evil.example"));
    Answer nullOrigin = browser.post("/farewell/beacon", "text/plain", bytes(message("exit", null, page, 6, null)),
        Map.of("Origin", "null"));
    Answer fetchSite = browser.post("/farewell/beacon", "text/plain", bytes(message("exit", null, page, 7, null)),
        Map.of("Sec-Fetch-Site", "cross-site"));

    assertThat(List.of(evil.code(), nullOrigin.code(), fetchSite.code())).containsOnly(403);
    assertThat(evil.body()).contains("\"error\":\"forbidden_origin\"");
    assertThat(evil.header("Access-Control-Allow-Origin")).isNull();
    assertThat(farewell.session(key)).contains(before);
  }

  @Test
  void anAllowedOriginGetsCorsAnswersAndItsPreflightPasses() {
    Browser browser = newBrowser();
    String token = browser.pageToken();

    Answer preflight = browser.send("OPTIONS", "/farewell/beacon", null, Map.of(
        "Origin", ALLOWED, "Access-Control-Request-Method", "POST",
        "Access-Control-Request-Headers", "content-type"));
    Answer answer = browser.post("/farewell/beacon", "application/json",
        bytes(message("open", token, page(), 1, false)),
        Map.of("Origin", ALLOWED, "Sec-Fetch-Site", "cross-site"));
    Answer refused = browser.send("OPTIONS", "/farewell/beacon", null, Map.of(
        "Origin", "https://evil.example", "Access-Control-Request-Method", "POST"));

    assertThat(preflight.code()).isEqualTo(204);
    assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
    assertThat(preflight.header("Access-Control-Allow-Methods")).isEqualTo("POST");
    assertThat(preflight.header("Access-Control-Allow-Headers")).isEqualToIgnoringCase("content-type");
    assertThat(answer.code()).isEqualTo(200);
    assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
    assertThat(answer.header("Vary")).contains("Origin");
    assertThat(refused.code()).isEqualTo(403);
  }

  // ---- 405, 413, 415, 429, 503, 404 ----

  @Test
  void aGetOfTheBeaconIsAnswered405() {
    Answer answer = newBrowser().get("/farewell/beacon", Map.of());

    assertThat(answer.code()).isEqualTo(405);
    assertThat(answer.header("Allow")).isEqualTo("POST, OPTIONS");
    assertThat(answer.body()).contains("\"error\":\"method_not_allowed\"");
  }

  @Test
  void aBodyOverFourKibibytesIsAnswered413() {
    Browser browser = newBrowser();
    String token = browser.pageToken();
    String padded = message("open", token, page(), 1, false).replace("}", ",\"pad\":\"" + "x".repeat(4096) + "\"}");

    Answer answer = browser.post("/farewell/beacon", "text/plain", bytes(padded), Map.of("Origin", browser.origin()));

    assertThat(answer.code()).isEqualTo(413);
    assertThat(answer.body()).contains("\"error\":\"too_large\"");
  }

  @Test
  void aHugeStreamedBodyIsRefusedBeforeItEnds() throws Exception {
    for (String framing : List.of("Content-Length: 100000000", "Transfer-Encoding: chunked")) {
      try (Socket socket = new Socket(base.getHost(), base.getPort())) {
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /farewell/beacon HTTP/1.1\r\nHost: " + base.getAuthority()
            + "\r\nContent-Type: text/plain\r\n" + framing + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[8192];
        java.util.Arrays.fill(chunk, (byte) 'x');
        if (framing.startsWith("Transfer")) {
          out.write("2000\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(chunk);
        out.flush();
        // The rest of the body never comes: the answer must not wait for it.
        InputStream in = socket.getInputStream();
        String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
        assertThat(statusLine).as(framing).isEqualTo("HTTP/1.1 413");
      }
    }
  }

  @Test
  void aBrokenChunkedBodyIsAnswered400() throws Exception {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /farewell/beacon HTTP/1.1\r\nHost: " + base.getAuthority()
          + "\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "zz\r\n{}\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String statusLine = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(statusLine).isEqualTo("HTTP/1.1 400");
    }
  }

  @Test
  void anUnsupportedContentTypeIsAnswered415() {
    Browser browser = newBrowser();
    String token = browser.pageToken();

    Answer answer = browser.post("/farewell/beacon", "text/html", bytes(message("open", token, page(), 1, false)),
        Map.of("Origin", browser.origin()));

    assertThat(answer.code()).isEqualTo(415);
    assertThat(answer.body()).contains("\"error\":\"unsupported_media_type\"");
  }

  @Test
  void tooManySignalsFromOnePageAreAnswered429WithRetryAfter() {
    Browser browser = newBrowser();
    String token = browser.pageToken();
    String page = page();
    Answer limited = null;
    long lastAccepted = 0;
    // 20 at once, then 2 a second: a slow machine may earn a few more before the first 429.
    for (int seq = 1; seq <= 60 && limited == null; seq++) {
      Answer answer = browser.beacon(message("heartbeat", token, page, seq, false));
      if (answer.code() == 429) {
        limited = answer;
      } else {
        assertThat(answer.code()).isEqualTo(200);
        lastAccepted = seq;
      }
    }

    assertThat(limited).isNotNull();
    assertThat(lastAccepted).isGreaterThanOrEqualTo(20);
    assertThat(limited.body()).contains("\"error\":\"rate_limited\"");
    assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 10L);
    assertThat(session(token).orElseThrow().pages().get(0).sequence()).isEqualTo(lastAccepted);
    assertThat(browser.beacon(message("heartbeat", token, page(), 1, false)).code()).isEqualTo(200);
  }

  @Test
  void signalsUnderEverNewPageIdsAreAnswered429ForTheirSessionOnly() {
    Browser browser = newBrowser();
    String token = browser.pageToken();
    Answer limited = null;
    // 60 at once for the session (the default), whatever the page ids; past 4 pages the engine
    // answers 503 full, which still counts.
    for (int i = 0; i < 200 && limited == null; i++) {
      Answer answer = browser.beacon(message("heartbeat", token, page(), 1, false));
      if (answer.code() == 429) {
        limited = answer;
      } else {
        assertThat(answer.code()).isIn(200, 503);
      }
    }
    Browser other = newBrowser();

    assertThat(limited).isNotNull();
    assertThat(limited.body()).contains("\"error\":\"rate_limited\"");
    assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 10L);
    assertThat(other.beacon(message("open", other.pageToken(), page(), 1, false)).code())
        .isEqualTo(200);
  }

  @Test
  void aPageBeyondTheEnginesLimitIsAnswered503() {
    Browser browser = newBrowser();
    String token = browser.pageToken();
    for (int i = 0; i < 4; i++) {
      assertThat(browser.beacon(message("open", token, page(), 1, false)).code()).isEqualTo(200);
    }

    Answer answer = browser.beacon(message("open", token, page(), 1, false));

    assertThat(answer.code()).isEqualTo(503);
    assertThat(answer.body()).contains("\"error\":\"full\"");
    assertThat(session(token).orElseThrow().pages()).hasSize(4);
  }

  @Test
  void anUnknownPathIsAnswered404() {
    assertThat(newBrowser().get("/farewell/nothing", Map.of()).code()).isEqualTo(404);
  }

  // ---- attacks that change nothing ----

  @Test
  void aTokenOfAnotherSessionCannotTouchThatSessionsPages() {
    Browser victim = newBrowser();
    String victimToken = victim.pageToken();
    String victimKey = victim.sessionKey();
    String victimPage = page();
    victim.beacon(message("open", victimToken, victimPage, 1, false));
    SessionView before = farewell.session(victimKey).orElseThrow();
    Browser attacker = newBrowser();
    String attackerToken = attacker.pageToken();

    attacker.beacon(message("exit", attackerToken, victimPage, 99, null));

    assertThat(farewell.session(victimKey)).contains(before);
    assertThat(releasesOf(victimKey)).isEmpty();
  }

  @Test
  void replayedOrOldSequenceNumbersChangeNothing() {
    Browser browser = newBrowser();
    String token = browser.pageToken();
    String key = browser.sessionKey();
    String page = page();
    browser.beacon(message("open", token, page, 5, false));
    SessionView before = farewell.session(key).orElseThrow();

    browser.beacon(message("hidden", token, page, 5, true));
    browser.beacon(message("exit", token, page, 3, null));

    SessionView after = farewell.session(key).orElseThrow();
    assertThat(after.state()).isEqualTo(SessionState.LIVE);
    assertThat(after.pages()).isEqualTo(before.pages());
  }

  // ---- the page token API and the snippet ----

  @Test
  void theFarewellKeyIsStableAndIsNotTheContainersSessionId() {
    Browser browser = newBrowser();
    browser.pageToken();
    String key = browser.sessionKey();
    browser.pageToken();

    assertThat(browser.sessionKey()).isEqualTo(key);
    Answer answer = browser.get("/app/page", Map.of());
    assertThat(String.valueOf(answer.headers())).doesNotContain(key);
    assertThat(farewell.session(key)).isPresent();
  }

  @Test
  void theSnippetIsServedWithEtagCachingAndGzip() throws Exception {
    Browser browser = newBrowser();

    Answer plain = browser.get("/farewell/farewell.js", Map.of("Accept-Encoding", "identity"));
    Answer gzip = browser.get("/farewell/farewell.js", Map.of("Accept-Encoding", "gzip, br"));
    Answer notModified = browser.get("/farewell/farewell.js", Map.of("If-None-Match", plain.header("ETag")));

    assertThat(plain.code()).isEqualTo(200);
    assertThat(plain.header("Content-Type")).contains("javascript");
    assertThat(plain.header("Cache-Control")).contains("max-age");
    assertThat(plain.header("Vary")).contains("Accept-Encoding");
    assertThat(plain.header("ETag")).startsWith("\"");
    assertThat(plain.body()).isEqualTo(new String(dev.farewell.snippet.Snippet.load().body(), StandardCharsets.UTF_8));
    assertThat(gzip.header("Content-Encoding")).isEqualTo("gzip");
    assertThat(gunzip(gzip.bytes())).isEqualTo(plain.body());
    Answer head = browser.send("HEAD", "/farewell/farewell.js", null, Map.of("Accept-Encoding", "identity"));
    assertThat(head.code()).isEqualTo(200);
    assertThat(head.header("ETag")).isEqualTo(plain.header("ETag"));
    assertThat(head.bytes()).isEmpty();
    assertThat(notModified.code()).isEqualTo(304);
    assertThat(browser.send("POST", "/farewell/farewell.js", okhttp3.RequestBody.create(new byte[0], null), Map.of()).code())
        .isEqualTo(405);
    String tag = browser.get("/app/tag", Map.of()).body();
    assertThat(tag).startsWith("<script src=\"/farewell/farewell.js\" data-token=\"")
        .contains("integrity=\"" + dev.farewell.snippet.Snippet.load().integrity() + "\"");
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String gunzip(byte[] bytes) throws Exception {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
