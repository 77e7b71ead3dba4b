package dev.farewell.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.agent.demo.DemoApp;
import dev.farewell.agent.demo.Launch;
import dev.farewell.browser.BrowserSupport;
import dev.farewell.browser.Chromium;
import dev.farewell.browser.ChromiumTab;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.Remapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The demo WAR (no Farewell code) in real Tomcat 9 (javax), Tomcat 11 and Jetty 12, each in a JVM
 * of its own: with the drop-in jars in {@code WEB-INF/lib} and a {@code web.xml} secret, or with
 * nothing in the WAR and only {@code -javaagent:farewell-agent.jar=...}: a reload and an in-app
 * navigation release nothing; a closed tab invalidates the {@code HttpSession} and calls the
 * logout URL with the user, within the exit grace plus one second. Once with the snippet's
 * protocol sent over HTTP (both ways), once in real Chromium (the agent).
 */
class ContainersIT {

  private static final String SECRET = "an agent test secret of at least 32 bytes";
  private static final Duration EXIT_GRACE = Duration.ofSeconds(1);
  /** Long enough for a reload or a link in a browser on a loaded machine. */
  private static final Duration BROWSER_EXIT_GRACE = Duration.ofSeconds(3);
  private static final Duration PAGE_LOAD = Duration.ofSeconds(20);
  private static final Pattern TOKEN = Pattern.compile("data-token=\"([^\"]+)\"");

  private final HttpClient http = HttpClient.newBuilder()
      .cookieHandler(new java.net.CookieManager()).connectTimeout(Duration.ofSeconds(5)).build();
  private Process container;
  private URI base;

  static Stream<Arguments> containers() {
    List<Arguments> all = new ArrayList<>();
    for (String container : List.of("tomcat9", "tomcat11", "jetty12")) {
      for (boolean agent : List.of(false, true)) {
        all.add(Arguments.of(container, agent));
      }
    }
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

  @AfterEach
  void stop() throws Exception {
    if (container != null) {
      container.destroy();
      if (!container.waitFor(10, TimeUnit.SECONDS)) {
        container.destroyForcibly();
      }
    }
  }

  @ParameterizedTest(name = "{0}, agent={1}")
  @MethodSource("containers")
  void aClosedTabEndsTheSessionAndCallsTheLogoutUrlWhileReloadAndNavigationReleaseNothing(
      String kind, boolean agent) throws Exception {
    try (MockWebServer sso = new MockWebServer()) {
      sso.enqueue(new MockResponse.Builder().code(200).build());
      sso.start();
      deploy(kind, agent, EXIT_GRACE, sso);

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

      // nothing released past the grace
      assertThat(sso.takeRequest(EXIT_GRACE.toMillis() + 1000, TimeUnit.MILLISECONDS)).isNull();
      assertThat(get("/count")).isEqualTo("0");

      // the tab closes
      long closed = System.nanoTime();
      assertThat(beacon("exit", token, page, 2, null)).contains("exiting");
      RecordedRequest logout =
          sso.takeRequest(EXIT_GRACE.toMillis() + 1000, TimeUnit.MILLISECONDS);
      assertThat(logout).as("logout URL called within exit grace + 1 s").isNotNull();
      assertThat(logout.getTarget()).isEqualTo("/logout?user=alice");
      await().atMost(EXIT_GRACE.plusSeconds(1).minusNanos(System.nanoTime() - closed))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> get("/count").equals("1"));
      assertThat(sso.takeRequest(200, TimeUnit.MILLISECONDS)).isNull();
    }
  }

  static Stream<String> kinds() {
    return Stream.of("tomcat9", "tomcat11", "jetty12");
  }

  /**
   * The same with only {@code -javaagent} and a real Chromium: a user logs in through the form,
   * the page gets the tag and sends its messages, a reload and a click on a link of the
   * application release nothing, closing the tab invalidates the session and calls the logout URL
   * within the exit grace plus one second.
   */
  @ParameterizedTest(name = "{0}, agent, Chromium")
  @MethodSource("kinds")
  void inChromiumAClosedTabEndsTheSessionWhileReloadAndALinkReleaseNothing(String kind)
      throws Exception {
    try (MockWebServer sso = new MockWebServer();
        Chromium chromium = BrowserSupport.launchOrSkip()) {
      sso.enqueue(new MockResponse.Builder().code(200).build());
      sso.start();
      deploy(kind, true, BROWSER_EXIT_GRACE, sso);
      Duration withinGrace = BROWSER_EXIT_GRACE.plusSeconds(1);

      ChromiumTab tab = chromium.newTab(base.resolve("/login"));
      await().atMost(PAGE_LOAD).ignoreExceptions()
          .until(() -> Boolean.TRUE.equals(tab.evaluate("document.forms.length === 1")));
      tab.evaluate("document.querySelector('input[name=user]').value = 'alice';"
          + " document.forms[0].submit(); true");
      awaitBeatingPage(tab, "/home");

      tab.reload();
      awaitBeatingPage(tab, "/home");
      tab.evaluate("document.getElementById('other').click(); true");
      awaitBeatingPage(tab, "/other");

      assertThat(sso.takeRequest(withinGrace.toMillis(), TimeUnit.MILLISECONDS))
          .as("no logout after a reload and a link").isNull();
      assertThat(get("/count")).isEqualTo("0");

      long closed = System.nanoTime();
      tab.close();
      RecordedRequest logout = sso.takeRequest(withinGrace.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(logout).as("logout URL called within exit grace + 1 s").isNotNull();
      assertThat(logout.getTarget()).isEqualTo("/logout?user=alice");
      await().atMost(withinGrace.minusNanos(System.nanoTime() - closed))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> get("/count").equals("1"));
      assertThat(sso.takeRequest(200, TimeUnit.MILLISECONDS)).isNull();
    }
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

  /**
   * Starts {@code kind} in a JVM of its own with the demo WAR: with the drop-in jars and the
   * settings in {@code web.xml}, or with only {@code -javaagent} and the settings as its arguments.
   */
  private void deploy(String kind, boolean agent, Duration exitGrace, MockWebServer sso)
      throws Exception {
    String logoutUrl = sso.url("/logout").toString() + "?user=${attributes.user}";
    String grace = exitGrace.toMillis() + "ms";
    boolean javax = kind.equals("tomcat9");
    Path dir = Files.createTempDirectory("farewell-" + kind);
    Path secretFile = dir.resolve("secret");
    Files.writeString(secretFile, SECRET + "\n");
    String settings = agent ? "" : """
        <context-param><param-name>farewell.secret</param-name><param-value>%s</param-value></context-param>
        <context-param><param-name>farewell.exitGrace</param-name><param-value>%s</param-value></context-param>
        <context-param><param-name>farewell.sessionAttributes</param-name><param-value>user</param-value></context-param>
        <context-param><param-name>farewell.injectExclude</param-name><param-value>/login,/count</param-value></context-param>
        <context-param><param-name>farewell.logoutUrl</param-name><param-value>%s</param-value></context-param>
        """.formatted(SECRET, grace, logoutUrl.replace("&", "&amp;"));
    Path war = war(dir.resolve("war"), javax, settings, !agent);
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    if (agent) {
      command.add("-javaagent:" + System.getProperty("farewell.agent.jar")
          + "=secret-file=" + secretFile + ",exit-grace=" + grace + ",session-attributes=user"
          + ",inject-exclude=/login,/count,logout-url=" + logoutUrl);
    }
    command.addAll(List.of("-cp", classPath(kind), Launch.class.getName(),
        kind.startsWith("tomcat") ? "tomcat" : "jetty", war.toString(),
        dir.resolve("base").toString()));
    start(command, dir.resolve("container.log"));
  }

  /** The demo WAR: web.xml, the demo classes (javax or jakarta), the drop-in jars or none. */
  private static Path war(Path war, boolean javax, String settings, boolean dropIn)
      throws IOException {
    Path classes = Files.createDirectories(war.resolve("WEB-INF/classes"));
    Path source = Path.of(DemoApp.class.getProtectionDomain().getCodeSource().getLocation()
        .getPath());
    String packagePath = DemoApp.class.getPackageName().replace('.', '/');
    Path target = Files.createDirectories(classes.resolve(packagePath));
    try (Stream<Path> files = Files.list(source.resolve(packagePath))) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("DemoApp"))
          .toList()) {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(target.resolve(file.getFileName()), javax ? toJavax(bytes) : bytes);
      }
    }
    String app = DemoApp.class.getName();
    Files.writeString(war.resolve("WEB-INF/web.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <web-app xmlns="%s" version="%s">
          %s
          <listener><listener-class>%s$Seats</listener-class></listener>
          <servlet><servlet-name>login</servlet-name><servlet-class>%s$Login</servlet-class></servlet>
          <servlet><servlet-name>page</servlet-name><servlet-class>%s$Page</servlet-class></servlet>
          <servlet><servlet-name>logout</servlet-name><servlet-class>%s$Logout</servlet-class></servlet>
          <servlet><servlet-name>count</servlet-name><servlet-class>%s$Count</servlet-class></servlet>
          <servlet-mapping><servlet-name>login</servlet-name><url-pattern>/login</url-pattern></servlet-mapping>
          <servlet-mapping><servlet-name>page</servlet-name><url-pattern>/home</url-pattern><url-pattern>/other</url-pattern></servlet-mapping>
          <servlet-mapping><servlet-name>logout</servlet-name><url-pattern>/logout</url-pattern></servlet-mapping>
          <servlet-mapping><servlet-name>count</servlet-name><url-pattern>/count</url-pattern></servlet-mapping>
        </web-app>
        """.formatted(javax ? "http://xmlns.jcp.org/xml/ns/javaee" : "https://jakarta.ee/xml/ns/jakartaee",
        javax ? "4.0" : "6.0", settings, app, app, app, app, app));
    if (dropIn) {
      Path lib = Files.createDirectories(war.resolve("WEB-INF/lib"));
      String other = javax ? "farewell-servlet.jar" : "farewell-servlet-javax.jar";
      try (JarFile agent = new JarFile(System.getProperty("farewell.agent.jar"))) {
        for (JarEntry entry : Collections.list(agent.entries())) {
          String name = entry.getName();
          if (name.startsWith("META-INF/farewell/lib/") && name.endsWith(".jar")
              && !name.endsWith("/" + other)) {
            try (InputStream in = agent.getInputStream(entry)) {
              Files.copy(in, lib.resolve(name.substring(name.lastIndexOf('/') + 1)));
            }
          }
        }
      }
    }
    return war;
  }

  /** The class rewritten from jakarta.servlet to javax.servlet, as the build does for the adapter. */
  private static byte[] toJavax(byte[] bytes) {
    ClassReader reader = new ClassReader(bytes);
    ClassWriter writer = new ClassWriter(0);
    reader.accept(new ClassRemapper(writer, new Remapper() {
      @Override
      public String map(String name) {
        return name.startsWith("jakarta/servlet/") ? "javax/" + name.substring(8) : name;
      }
    }), 0);
    return writer.toByteArray();
  }

  /** The container's jars and the launcher (the test classes, without the demo's being used). */
  private static String classPath(String kind) throws IOException {
    List<String> entries = new ArrayList<>();
    entries.add(Path.of(Launch.class.getProtectionDomain().getCodeSource().getLocation().getPath())
        .toString());
    try (Stream<Path> jars = Files.list(Path.of(System.getProperty("farewell.containers"), kind))) {
      jars.map(Path::toString).sorted().forEach(entries::add);
    }
    return String.join(File.pathSeparator, entries);
  }

  private void start(List<String> command, Path log) throws Exception {
    container = new ProcessBuilder(command).redirectErrorStream(false)
        .redirectError(log.toFile()).start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(container.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("PORT ")) {
        base = URI.create("http://127.0.0.1:" + line.substring(5).trim());
        Thread drain = new Thread(() -> {
          try {
            out.transferTo(java.io.Writer.nullWriter());
          } catch (IOException ignored) {
            // the container is gone
          }
        });
        drain.setDaemon(true);
        drain.start();
        return;
      }
    }
    throw new AssertionError("the container did not start: " + Files.readString(log));
  }

  private String get(String path) throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
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
