package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.beacon.PageTokens;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link FarewellServlet#track(jakarta.servlet.http.HttpServletRequest, Map)} at login, in real
 * containers: the open timeout covers the window between login and the first page with the tag,
 * and a page served while the login's release runs keeps the {@code HttpSession}.
 */
class TrackAtLoginTest {

  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(2);

  private final Queue<Release> releases = new ConcurrentLinkedQueue<>();
  private final CountDownLatch resume = new CountDownLatch(1);
  private Farewell farewell;
  private ServletContainer container;
  private OkHttpClient http;

  static Stream<Supplier<ServletContainer>> containers() {
    return Stream.of(JettyContainer::new, TomcatContainer::new);
  }

  private Browser start(Supplier<ServletContainer> newContainer) throws Exception {
    HttpSessionBridge httpSessions = HttpSessionBridge.create();
    return start(newContainer, httpSessions, Farewell.newBuilder()
        .heartbeatInterval(Duration.ofMillis(500))
        .heartbeatTimeout(Duration.ofSeconds(2))
        .openTimeout(OPEN_TIMEOUT)
        .exitGrace(Duration.ofMillis(300))
        .releaseAction(httpSessions.invalidateOnRelease())
        .onRelease(releases::add)
        .build());
  }

  private Browser start(
      Supplier<ServletContainer> newContainer, HttpSessionBridge httpSessions, Farewell engine)
      throws Exception {
    farewell = engine;
    FarewellServlet servlet = FarewellServlet.newBuilder(farewell)
        .pageTokens(PageTokens.newBuilder()
            .secret("a secret for the login tests, 32+ bytes".getBytes(StandardCharsets.UTF_8))
            .build())
        .httpSessionBridge(httpSessions)
        .build();
    container = newContainer.get();
    URI base = container.start(new TestApplication(servlet));
    http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();
    return new Browser(base, http);
  }

  @AfterEach
  void stop() throws Exception {
    resume.countDown();
    farewell.close();
    container.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private List<Release> releasesOf(String key) {
    return releases.stream().filter(r -> r.sessionKey().equals(key)).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("containers")
  void aLoginWhoseFirstPageNeverOpensIsReleasedAfterTheOpenTimeout(
      Supplier<ServletContainer> newContainer) throws Exception {
    Browser browser = start(newContainer);

    assertThat(browser.get("/app/login?user=bob", Map.of()).body()).isEqualTo("LIVE");
    String key = browser.sessionKey();
    assertThat(key).isNotNull();

    await().atMost(OPEN_TIMEOUT.plusSeconds(3)).until(() -> !releasesOf(key).isEmpty());
    assertThat(releasesOf(key)).singleElement().satisfies(release -> {
      assertThat(release.reason()).isEqualTo(ReleaseReason.TIMEOUT);
      assertThat(release.attributes()).containsEntry("user", "bob");
    });
    await().atMost(Duration.ofSeconds(2)).until(() -> browser.sessionKey() == null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("containers")
  void aLoginWhosePageOpensAndBeatsOutlivesTheOpenTimeoutWithTheLoginsAttributes(
      Supplier<ServletContainer> newContainer) throws Exception {
    Browser browser = start(newContainer);
    browser.get("/app/login?user=bob", Map.of());
    String key = browser.sessionKey();
    String token = browser.get("/app/tag", Map.of()).body()
        .replaceAll(".*data-token=\"([^\"]+)\".*", "$1");
    String page = UUID.randomUUID().toString();
    AtomicLong seq = new AtomicLong();

    browser.beacon(BeaconEndpointContract.message("open", token, page, seq.incrementAndGet(), false));
    // The page beats for twice the open timeout; the session must stay all along.
    await().pollInterval(Duration.ofMillis(400))
        .during(OPEN_TIMEOUT.multipliedBy(2))
        .atMost(OPEN_TIMEOUT.multipliedBy(3))
        .until(() -> browser.beacon(BeaconEndpointContract.message(
                "heartbeat", token, page, seq.incrementAndGet(), false)).code() == 200
            && releasesOf(key).isEmpty());

    browser.beacon(BeaconEndpointContract.message("exit", token, page, seq.incrementAndGet(), null));
    await().atMost(Duration.ofSeconds(3)).until(() -> !releasesOf(key).isEmpty());
    assertThat(releasesOf(key)).singleElement().satisfies(release -> {
      assertThat(release.reason()).isEqualTo(ReleaseReason.EXIT);
      assertThat(release.attributes()).containsEntry("user", "bob");
    });
  }

  /**
   * The login's release decided, its actions still running (an identity server's logout over HTTP
   * before the bridge's invalidation, as the sample's wiring has), when the user is back: a page of
   * the same HttpSession tracks the key again and opens. The release was decided for the login's
   * old session; the HttpSession is now the new one's, whose page beats, and stays.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("containers")
  void aPageServedWhileTheLoginsReleaseRunsKeepsTheHttpSession(
      Supplier<ServletContainer> newContainer) throws Exception {
    AtomicLong now = new AtomicLong();
    CountDownLatch decided = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    HttpSessionBridge httpSessions = HttpSessionBridge.create();
    Browser browser = start(newContainer, httpSessions, Farewell.newBuilder()
        .ticker(now::get)
        .onRelease(release -> {
          decided.countDown();
          resume.await(30, TimeUnit.SECONDS);
        })
        .releaseAction(httpSessions.invalidateOnRelease())
        .onRelease(release -> {
          releases.add(release);
          done.countDown();
        })
        .build());
    assertThat(browser.get("/app/login?user=bob", Map.of()).body()).isEqualTo("LIVE");
    String key = browser.sessionKey();

    // No page of the login ever opens: the open timeout releases it; its actions start.
    now.addAndGet(farewell.rules().openTimeout().plusSeconds(1).toNanos());
    farewell.cleanUp();
    assertThat(decided.await(10, TimeUnit.SECONDS)).as("the release's first action runs").isTrue();

    String token = browser.pageToken();
    String page = BeaconEndpointContract.page();
    assertThat(browser.beacon(BeaconEndpointContract.message("open", token, page, 1, false)).code())
        .isEqualTo(200);
    assertThat(farewell.session(key)).as("the key's new session").isPresent();
    resume.countDown();
    assertThat(done.await(10, TimeUnit.SECONDS)).as("the release's actions ran").isTrue();

    assertThat(releasesOf(key)).singleElement()
        .satisfies(release -> assertThat(release.reason()).isEqualTo(ReleaseReason.TIMEOUT));
    assertThat(browser.sessionKey()).as("the HttpSession of the beating page, with its key")
        .isEqualTo(key);
    Browser.Answer beat = browser.beacon(
        BeaconEndpointContract.message("heartbeat", token, page, 2, false));
    assertThat(beat.code()).isEqualTo(200);
    assertThat(beat.body()).contains("\"status\":\"live\"");
  }
}
