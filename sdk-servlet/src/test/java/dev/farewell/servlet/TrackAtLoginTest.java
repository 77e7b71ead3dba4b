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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link FarewellServlet#track(jakarta.servlet.http.HttpServletRequest, Map)} at login, in real
 * containers: the open timeout covers the window between login and the first page with the tag.
 */
class TrackAtLoginTest {

  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(2);

  private final Queue<Release> releases = new ConcurrentLinkedQueue<>();
  private Farewell farewell;
  private ServletContainer container;
  private OkHttpClient http;

  static Stream<Supplier<ServletContainer>> containers() {
    return Stream.of(JettyContainer::new, TomcatContainer::new);
  }

  private Browser start(Supplier<ServletContainer> newContainer) throws Exception {
    HttpSessionBridge httpSessions = HttpSessionBridge.create();
    farewell = Farewell.newBuilder()
        .heartbeatInterval(Duration.ofMillis(500))
        .heartbeatTimeout(Duration.ofSeconds(2))
        .openTimeout(OPEN_TIMEOUT)
        .exitGrace(Duration.ofMillis(300))
        .releaseAction(httpSessions.invalidateOnRelease())
        .onRelease(releases::add)
        .build();
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
}
