package dev.farewell.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.agent.DemoDeployment.Container;
import dev.farewell.agent.DemoDeployment.Way;
import dev.farewell.browser.BrowserSupport;
import dev.farewell.browser.Chromium;
import dev.farewell.browser.ChromiumTab;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The demo WAR (no Farewell code) in real Tomcat 9 (javax), Tomcat 10.1, Tomcat 11 and Jetty 12,
 * each in a JVM of its own, with the drop-in jars in {@code WEB-INF/lib} and with only {@code
 * -javaagent}, and in Jetty 10 (javax) with the drop-in jars: a reload and an in-app navigation
 * release nothing; a closed tab invalidates the {@code HttpSession} and calls the logout URL with
 * the user, within the exit grace plus one second. Each container is started once per way and serves two scenarios at the same time,
 * each with its own user: real Chromium, and the snippet's protocol sent over HTTP (which also
 * runs where there is no browser). One more deployment runs the agent on a JDK 24 or newer with
 * Byte Buddy made to read and write classes only through the JDK's class-file API, which its
 * multi-release classes serve.
 */
@ParameterizedClass(name = "{0}, {1}{2}")
@MethodSource("deployments")
@TestInstance(Lifecycle.PER_CLASS)
class ContainersIT {

  /** Long enough for a reload or a link in a browser on a loaded machine. */
  private static final Duration EXIT_GRACE = Duration.ofSeconds(3);
  private static final Duration WITHIN_GRACE = EXIT_GRACE.plusSeconds(1);
  private static final Duration PAGE_LOAD = Duration.ofSeconds(20);
  private static final Pattern TOKEN = Pattern.compile("data-token=\"([^\"]+)\"");

  /** One browser for all deployments; each scenario has a browser context of its own. */
  private static Chromium chromium;

  @Parameter(0)
  Container container;
  @Parameter(1)
  Way way;
  @Parameter(2)
  Jdk jdk;

  private final HttpClient http = HttpClient.newBuilder()
      .cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5)).build();
  private MockWebServer sso;
  /**
   * The logout calls this deployment's identity server took, by the user they name: a map of its
   * own per deployment, so that a call that comes late is never counted for the next one.
   */
  private Map<String, BlockingQueue<RecordedRequest>> logouts;
  private DemoDeployment deployment;

  static Stream<Arguments> deployments() {
    List<Arguments> all = new ArrayList<>();
    for (Container container : Container.values()) {
      for (Way way : Way.values()) {
        // The agent knows Tomcat 9 to 11 and Jetty 12; Jetty 10 takes the drop-in jars only.
        if (container != Container.JETTY10 || way == Way.DROP_IN) {
          all.add(Arguments.of(container, way, Jdk.THIS));
        }
      }
    }
    all.add(Arguments.of(Container.TOMCAT11, Way.AGENT, Jdk.NEWER_WITH_CLASS_FILE_API));
    return all.stream();
  }

  /**
   * Loads MockWebServer's classes in this JVM before any timing: the first request a fresh server
   * takes is otherwise slow, and the first scenario's logout bound would measure this JVM.
   */
  @BeforeAll
  static void warmUp() throws Exception {
    try (MockWebServer warm = new MockWebServer()) {
      warm.enqueue(new MockResponse.Builder().code(200).build());
      warm.start();
      HttpClient.newHttpClient().send(HttpRequest.newBuilder(warm.url("/").uri())
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding());
      assertThat(warm.takeRequest(30, TimeUnit.SECONDS)).isNotNull();
    }
  }

  @AfterAll
  static void closeBrowser() {
    if (chromium != null) {
      chromium.close();
    }
  }

  @BeforeParameterizedClassInvocation
  void deploy() throws Exception {
    Path javaHome = jdk.home();
    Map<String, BlockingQueue<RecordedRequest>> taken = new ConcurrentHashMap<>();
    logouts = taken;
    sso = new MockWebServer();
    sso.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        taken.computeIfAbsent(String.valueOf(request.getUrl().queryParameter("user")),
            u -> new LinkedBlockingQueue<>()).add(request);
        return new MockResponse.Builder().code(200).build();
      }
    });
    sso.start();
    deployment = DemoDeployment.start(container, way, javaHome, jdk.options(), EXIT_GRACE,
        sso.url("/logout").toString() + "?user=${attributes.user}");
  }

  @AfterParameterizedClassInvocation
  void stop() throws Exception {
    if (deployment != null) {
      deployment.close();
    }
    if (sso != null) {
      sso.close();
    }
  }

  private BlockingQueue<RecordedRequest> logouts(String user) {
    return logouts.computeIfAbsent(user, u -> new LinkedBlockingQueue<>());
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void overHttpAClosedTabEndsTheSessionWhileReloadAndNavigationReleaseNothing() throws Exception {
    assertThat(get("/login?user=alice")).isEqualTo("welcome");
    String token = token(get("/home"));
    String page = UUID.randomUUID().toString();
    assertThat(beacon("open", token, page, 1, null)).contains("live");

    // a reload: the page goes (no nav), the same page comes back at once
    assertThat(beacon("exit", token, page, 2, null)).contains("exiting");
    token = token(get("/home"));
    page = UUID.randomUUID().toString();
    assertThat(beacon("open", token, page, 1, null)).contains("live");
    // an in-app navigation
    assertThat(beacon("exit", token, page, 2, true)).contains("exiting");
    token = token(get("/other"));
    page = UUID.randomUUID().toString();
    assertThat(beacon("open", token, page, 1, null)).contains("live");

    assertNothingReleased("alice");
    // the tab closes
    long closed = System.nanoTime();
    assertThat(beacon("exit", token, page, 2, null)).contains("exiting");
    assertReleasedWithinGrace("alice", closed);
  }

  /**
   * A user logs in through the form, the page gets the tag and its snippet sends its messages, a
   * reload and a click on a link of the application release nothing, closing the tab ends the
   * session.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void inChromiumAClosedTabEndsTheSessionWhileReloadAndALinkReleaseNothing() throws Exception {
    if (chromium == null) {
      chromium = BrowserSupport.launchOrSkip();
    }
    ChromiumTab tab = chromium.newIsolatedTab(deployment.base().resolve("/login"));
    await().atMost(PAGE_LOAD).ignoreExceptions()
        .until(() -> Boolean.TRUE.equals(tab.evaluate("document.forms.length === 1")));
    tab.evaluate("document.querySelector('input[name=user]').value = 'bob';"
        + " document.forms[0].submit(); true");
    awaitBeatingPage(tab, "/home");

    tab.reload();
    awaitBeatingPage(tab, "/home");
    tab.evaluate("document.getElementById('other').click(); true");
    awaitBeatingPage(tab, "/other");

    assertNothingReleased("bob");
    long closed = System.nanoTime();
    tab.close();
    assertReleasedWithinGrace("bob", closed);
  }

  /** Past the exit grace of the last page change, no logout call and the session lives. */
  private void assertNothingReleased(String user) throws Exception {
    assertThat(logouts(user).poll(WITHIN_GRACE.toMillis(), TimeUnit.MILLISECONDS))
        .as("no logout after a reload and a navigation").isNull();
    assertThat(get("/count?user=" + user)).isEqualTo("0");
  }

  /**
   * Within the exit grace plus one second since {@code closed}, the logout URL was called once
   * with the user and the user's {@code HttpSession} was invalidated.
   */
  private void assertReleasedWithinGrace(String user, long closed) throws Exception {
    RecordedRequest logout = logouts(user).poll(
        WITHIN_GRACE.minusNanos(System.nanoTime() - closed).toMillis(), TimeUnit.MILLISECONDS);
    assertThat(logout).as("logout URL called within exit grace + 1 s").isNotNull();
    assertThat(logout.getTarget()).isEqualTo("/logout?user=" + user);
    // Asked at least once, also when the logout call came at the very end of the bound.
    long bound = closed + WITHIN_GRACE.toNanos();
    String invalidated = get("/count?user=" + user);
    while (!invalidated.equals("1") && System.nanoTime() - bound < 0) {
      Thread.sleep(50);
      invalidated = get("/count?user=" + user);
    }
    assertThat(invalidated).as("HttpSession invalidated within exit grace + 1 s").isEqualTo("1");
    assertThat(logouts(user).poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  /**
   * Waits for a new document at {@code path} with the tag whose snippet has sent a message to the
   * endpoint, then marks the document so that the next wait needs a new one.
   */
  private static void awaitBeatingPage(ChromiumTab tab, String path) {
    await().atMost(PAGE_LOAD).ignoreExceptions().until(() -> Boolean.TRUE.equals(tab.evaluate(
        "location.pathname === '" + path + "' && window.seen === undefined"
            + " && document.querySelector('script[data-token]') !== null"
            + " && performance.getEntriesByType('resource')"
            + ".some(e => e.name.indexOf('/farewell/beacon') >= 0)")));
    tab.evaluate("window.seen = true; true");
  }

  private String get(String path) throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(deployment.base().resolve(path)).timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET " + path).isEqualTo(200);
    return response.body();
  }

  private static String token(String html) {
    assertThat(html).containsPattern("<script src=\"/farewell/farewell.js\" [^>]+></script></head>");
    Matcher token = TOKEN.matcher(html);
    assertThat(token.find()).isTrue();
    return token.group(1);
  }

  private String beacon(String type, String token, String page, int seq, Boolean nav)
      throws Exception {
    String json = "{\"v\":1,\"type\":\"" + type + "\",\"token\":\"" + token + "\",\"page\":\""
        + page + "\",\"seq\":" + seq
        + (type.equals("exit") ? (nav == null ? "" : ",\"nav\":" + nav) : ",\"hidden\":false")
        + "}";
    URI base = deployment.base();
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(base.resolve("/farewell/beacon")).timeout(Duration.ofSeconds(10))
            .header("Content-Type", "text/plain;charset=UTF-8")
            .header("Origin", base.toString())
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(json + " -> " + response.body()).isEqualTo(200);
    return response.body();
  }
}
