package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The drop-in ({@link FarewellInitializer}) in real Jetty 12, configured only by context
 * parameters, with an application whose only Farewell line is the tag in its page.
 */
class DropInTest {

  static final String SECRET = "a drop-in secret of at least 32 bytes";

  private final AtomicInteger destroyedSessions = new AtomicInteger();
  private final OkHttpClient http =
      new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();
  private Server server;

  /** The application: a page with the tag, and the app's own HttpSessionListener. */
  private URI start(Map<String, String> contextParameters) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    contextParameters.forEach(context::setInitParameter);
    context.addServletContainerInitializer(new FarewellInitializer());
    context.addEventListener(new HttpSessionListener() {
      @Override
      public void sessionDestroyed(HttpSessionEvent event) {
        destroyedSessions.incrementAndGet();
      }
    });
    context.addServlet(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest request, HttpServletResponse response)
          throws IOException {
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().print(
            FarewellServlet.from(request.getServletContext()).pageToken(request));
      }
    }, "/page");
    context.addServlet(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest request, HttpServletResponse response)
          throws IOException {
        response.setContentType("text/html;charset=utf-8");
        response.getWriter().print("<html><head><title>app</title></head><body></body></html>");
      }
    }, "/html/*");
    context.addServlet(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest request, HttpServletResponse response) {
        request.getSession(true).setAttribute("user", request.getParameter("user"));
      }
    }, "/login");
    context.addServlet(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest request, HttpServletResponse response) {
        request.getSession(true).invalidate();
      }
    }, "/logout");
    server.setHandler(context);
    server.start();
    return URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Test
  void withoutASecretTheDropInAddsNothing() throws Exception {
    Browser browser = new Browser(start(Map.of()), http);

    assertThat(browser.get("/farewell/farewell.js", Map.of()).code()).isEqualTo(404);
    assertThat(browser.get("/page", Map.of()).code()).isEqualTo(500);
  }

  @Test
  void withASecretAClosedTabEndsTheHttpSessionAfterTheConfiguredGrace() throws Exception {
    Browser browser = new Browser(start(Map.of(
        "farewell.secret", SECRET,
        "farewell.exitGrace", "300ms")), http);
    String token = browser.get("/page", Map.of()).body();
    String page = UUID.randomUUID().toString();
    assertThat(browser.get("/farewell/farewell.js", Map.of()).code()).isEqualTo(200);

    assertThat(browser.beacon(BeaconEndpointContract.message("open", token, page, 1, false))
        .code()).isEqualTo(200);
    assertThat(browser.beacon(BeaconEndpointContract.message("exit", token, page, 2, null))
        .code()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(3)).until(() -> destroyedSessions.get() == 1);
  }

  @Test
  void pagesOfAWatchedSessionGetTheTagWithNoCodeUnlessExcludedOrTurnedOff() throws Exception {
    Browser browser = new Browser(start(Map.of(
        "farewell.secret", SECRET,
        "farewell.injectExclude", "/html/login")), http);
    browser.get("/page", Map.of());

    assertThat(browser.get("/html/home", Map.of()).body())
        .containsPattern("<script src=\"/farewell/farewell.js\" [^>]+></script></head>");
    assertThat(browser.get("/html/login", Map.of()).body()).doesNotContain("<script");
  }

  @Test
  void farewellInjectFalseLeavesPagesAlone() throws Exception {
    Browser browser = new Browser(start(Map.of(
        "farewell.secret", SECRET,
        "farewell.inject", "false")), http);
    browser.get("/page", Map.of());

    assertThat(browser.get("/html/home", Map.of()).body()).doesNotContain("<script");
  }

  @Test
  void aClosedTabCallsTheLogoutUrlWithTheSessionsAttributesAndALogoutCallsNothing()
      throws Exception {
    try (MockWebServer sso = new MockWebServer()) {
      sso.start();
      Browser browser = new Browser(start(Map.of(
          "farewell.secret", SECRET,
          "farewell.exitGrace", "300ms",
          "farewell.sessionAttributes", "user,missing",
          "farewell.logoutUrl", sso.url("/logout").toString() + "?user=${attributes.user}")), http);
      browser.get("/login?user=al%20ice", Map.of());
      String html = browser.get("/html/home", Map.of()).body();
      String token = html.replaceAll("(?s).*data-token=\"([^\"]+)\".*", "$1");
      String page = UUID.randomUUID().toString();

      assertThat(browser.beacon(BeaconEndpointContract.message("open", token, page, 1, false))
          .code()).isEqualTo(200);
      assertThat(browser.beacon(BeaconEndpointContract.message("exit", token, page, 2, null))
          .code()).isEqualTo(200);

      RecordedRequest logout = sso.takeRequest(3, TimeUnit.SECONDS);
      assertThat(logout).isNotNull();
      assertThat(logout.getTarget()).isEqualTo("/logout?user=al%20ice");
      await().atMost(Duration.ofSeconds(3)).until(() -> destroyedSessions.get() == 1);

      Browser other = new Browser(URI.create(browser.origin()), http);
      other.get("/login?user=bob", Map.of());
      other.get("/html/home", Map.of());
      other.get("/logout", Map.of());
      await().atMost(Duration.ofSeconds(3)).until(() -> destroyedSessions.get() == 2);
      assertThat(sso.takeRequest(500, TimeUnit.MILLISECONDS)).isNull();
    }
  }

  @Test
  void aLogoutUrlThatIsNotAnHttpUrlStopsTheStart() {
    ServletContextHandler context = new ServletContextHandler();
    context.setInitParameter("farewell.secret", SECRET);
    context.setInitParameter("farewell.logoutUrl", "ftp://sso/logout");

    assertThatThrownBy(
            () -> new FarewellInitializer().onStartup(Set.of(), context.getServletContext()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Farewell drop-in: ")
        .hasMessageContaining("farewell.logoutUrl");
  }

  @Test
  void theBasePathAndTheOriginsAreSettings() throws Exception {
    Browser browser = new Browser(start(Map.of(
        "farewell.secret", SECRET,
        "farewell.basePath", "/exit-signals",
        "farewell.allowedOrigins", "https://app.example, https://other.example")), http);

    assertThat(browser.get("/exit-signals/farewell.js", Map.of()).code()).isEqualTo(200);
    assertThat(browser.get("/farewell/farewell.js", Map.of()).code()).isEqualTo(404);
    String token = browser.get("/page", Map.of()).body();
    Browser.Answer answer = browser.post("/exit-signals/beacon", "text/plain",
        BeaconEndpointContract.message("open", token, UUID.randomUUID().toString(), 1, false)
            .getBytes(java.nio.charset.StandardCharsets.UTF_8),
        Map.of("Origin", "https://other.example"));
    assertThat(answer.code()).isEqualTo(200);
    assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo("https://other.example");
  }

  @Test
  void farewellEnabledFalseTurnsItOffDespiteTheSecret() throws Exception {
    Browser browser = new Browser(
        start(Map.of("farewell.secret", SECRET, "farewell.enabled", "false")), http);

    assertThat(browser.get("/farewell/farewell.js", Map.of()).code()).isEqualTo(404);
  }

  @Test
  void anApplicationThatRegisteredFarewellItselfKeepsItsOwn() throws Exception {
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.setInitParameter("farewell.secret", SECRET);
    dev.farewell.Farewell own = dev.farewell.Farewell.newBuilder().build();
    FarewellServlet ownServlet = FarewellServlet.newBuilder(own).build();
    FarewellServlet[] found = new FarewellServlet[1];
    context.addServletContainerInitializer((classes, servletContext) -> {
      ownServlet.register(servletContext);
      new FarewellInitializer().onStartup(Set.of(), servletContext);
      found[0] = FarewellServlet.from(servletContext);
    });
    server = new Server(0);
    server.setHandler(context);
    server.start();

    assertThat(found[0]).isSameAs(ownServlet);
    own.close();
  }

  @Test
  void anApplicationThatRegistersAfterTheDropInIsToldToRemoveOneOfThem() throws Exception {
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.setInitParameter("farewell.secret", SECRET);
    dev.farewell.Farewell own = dev.farewell.Farewell.newBuilder().build();
    FarewellServlet ownServlet = FarewellServlet.newBuilder(own).build();
    RuntimeException[] failure = new RuntimeException[1];
    context.addServletContainerInitializer(new FarewellInitializer());
    context.addServletContainerInitializer((classes, servletContext) -> {
      try {
        ownServlet.register(servletContext);
      } catch (RuntimeException e) {
        failure[0] = e;
      }
    });
    server = new Server(0);
    server.setHandler(context);
    server.start();
    own.close();

    assertThat(failure[0])
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Farewell's drop-in already registered Farewell in this context"
            + " (farewell.secret is configured): remove this register call, or turn the drop-in"
            + " off with farewell.enabled=false");
  }

  @Test
  void anUnreadableSettingStopsTheStartNamingTheSettingAndWhereItCameFrom() {
    ServletContextHandler context = new ServletContextHandler();
    context.setInitParameter("farewell.secret", SECRET);
    context.setInitParameter("farewell.exitGrace", "soon");

    assertThatThrownBy(
            () -> new FarewellInitializer().onStartup(Set.of(), context.getServletContext()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Farewell drop-in: farewell.exitGrace (context parameter farewell.exitGrace)"
            + " must be a duration like 500ms, 3s, 2m, 1h or PT3S, was \"soon\"");
  }

  @Test
  void aShortSecretIsRefusedWithoutShowingIt() {
    ServletContextHandler context = new ServletContextHandler();
    context.setInitParameter("farewell.secret", "too short");

    assertThatThrownBy(
            () -> new FarewellInitializer().onStartup(Set.of(), context.getServletContext()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Farewell drop-in: farewell.secret (context parameter farewell.secret) must be"
            + " at least 32 bytes (head -c 32 /dev/urandom | base64), was 9 bytes");
  }

  @Test
  void timeoutsThatContradictEachOtherStopTheStartWithTheEnginesReason() {
    ServletContextHandler context = new ServletContextHandler();
    context.setInitParameter("farewell.secret", SECRET);
    context.setInitParameter("farewell.heartbeatInterval", "20s");

    assertThatThrownBy(
            () -> new FarewellInitializer().onStartup(Set.of(), context.getServletContext()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Farewell drop-in: heartbeatTimeout must be > heartbeatInterval");
  }

  @Test
  void aSystemPropertyWinsOverTheEnvironmentWhichWinsOverTheContextParameter() {
    ServletContextHandler context = new ServletContextHandler();
    context.setInitParameter("farewell.exitGrace", "1s");
    context.setInitParameter("farewell.openTimeout", "40s");
    Map<String, String> environment = Map.of("FAREWELL_EXIT_GRACE", "2s");
    DropInSettings settings =
        new DropInSettings(context.getServletContext(), environment::get);

    assertThat(settings.duration("farewell.exitGrace")).contains(Duration.ofSeconds(2));
    assertThat(settings.source("farewell.exitGrace"))
        .isEqualTo("environment variable FAREWELL_EXIT_GRACE");
    assertThat(settings.duration("farewell.openTimeout")).contains(Duration.ofSeconds(40));
    System.setProperty("farewell.exitGrace", "PT0.5S");
    try {
      assertThat(settings.duration("farewell.exitGrace")).contains(Duration.ofMillis(500));
      assertThat(settings.source("farewell.exitGrace"))
          .isEqualTo("system property farewell.exitGrace");
      context.setAttribute(DropInSettings.AGENT_SETTINGS_ATTRIBUTE,
          Map.of("farewell.exitGrace", "4s"));
      assertThat(settings.duration("farewell.exitGrace")).contains(Duration.ofSeconds(4));
      assertThat(settings.source("farewell.exitGrace"))
          .isEqualTo("farewell-agent setting farewell.exitGrace");
    } finally {
      System.clearProperty("farewell.exitGrace");
    }
  }

  @Test
  void environmentNamesAreTheSettingsInUpperSnakeCase() {
    assertThat(DropInSettings.environmentName("farewell.secret")).isEqualTo("FAREWELL_SECRET");
    assertThat(DropInSettings.environmentName("farewell.heartbeatInterval"))
        .isEqualTo("FAREWELL_HEARTBEAT_INTERVAL");
    assertThat(DropInSettings.environmentName("farewell.invalidateOnRelease"))
        .isEqualTo("FAREWELL_INVALIDATE_ON_RELEASE");
  }
}
