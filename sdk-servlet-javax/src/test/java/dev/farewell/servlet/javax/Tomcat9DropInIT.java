package dev.farewell.servlet.javax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The generated javax jar in a real Tomcat 9 (Servlet 4): a WAR with only a {@code web.xml} gets
 * the initializer through {@code META-INF/services/javax.servlet.ServletContainerInitializer}, the
 * endpoint answers, pages get the tag, and a closed tab invalidates the {@code HttpSession}.
 */
class Tomcat9DropInIT {

  private static final String SECRET = "a test secret of at least 32 characters";
  private static final Pattern TOKEN = Pattern.compile("data-token=\"([^\"]+)\"");

  private final List<Cookie> cookies = new ArrayList<>();
  private final OkHttpClient http = new OkHttpClient.Builder()
      .callTimeout(Duration.ofSeconds(10))
      .cookieJar(new CookieJar() {
        @Override
        public synchronized void saveFromResponse(HttpUrl url, List<Cookie> list) {
          for (Cookie cookie : list) {
            cookies.removeIf(c -> c.name().equals(cookie.name()));
            cookies.add(cookie);
          }
        }

        @Override
        public synchronized List<Cookie> loadForRequest(HttpUrl url) {
          return new ArrayList<>(cookies);
        }
      })
      .build();
  private Tomcat tomcat;
  private URI base;

  private void deploy(String contextParameters) throws Exception {
    Path dir = Files.createTempDirectory("farewell-javax-war");
    Path webInf = Files.createDirectories(dir.resolve("webapp/WEB-INF"));
    Files.writeString(webInf.resolve("web.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <web-app xmlns="http://xmlns.jcp.org/xml/ns/javaee" version="4.0">
          %s
          <listener><listener-class>%s</listener-class></listener>
          <servlet><servlet-name>login</servlet-name><servlet-class>%s</servlet-class></servlet>
          <servlet-mapping><servlet-name>login</servlet-name><url-pattern>/login</url-pattern></servlet-mapping>
          <servlet><servlet-name>page</servlet-name><servlet-class>%s</servlet-class></servlet>
          <servlet-mapping><servlet-name>page</servlet-name><url-pattern>/page</url-pattern></servlet-mapping>
        </web-app>
        """.formatted(contextParameters, DemoServlets.Seats.class.getName(),
        DemoServlets.Login.class.getName(), DemoServlets.Page.class.getName()));
    tomcat = new Tomcat();
    tomcat.setBaseDir(dir.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addWebapp("", dir.resolve("webapp").toString());
    ((StandardJarScanner) context.getJarScanner()).setScanClassPath(false);
    tomcat.start();
    base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @AfterEach
  void stop() throws Exception {
    if (tomcat != null) {
      tomcat.stop();
      tomcat.destroy();
    }
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private Response call(Request.Builder request) throws IOException {
    return http.newCall(request.build()).execute();
  }

  private String get(String path) throws IOException {
    try (Response response = call(new Request.Builder().url(base.resolve(path).toString()))) {
      assertThat(response.code()).as("GET " + path).isEqualTo(200);
      return response.body().string();
    }
  }

  private int beacon(String type, String token, String page, int seq) throws IOException {
    String json = "{\"v\":1,\"type\":\"" + type + "\",\"token\":\"" + token + "\",\"page\":\""
        + page + "\",\"seq\":" + seq + (type.equals("open") ? ",\"hidden\":false" : "") + "}";
    try (Response response = call(new Request.Builder()
        .url(base.resolve("/farewell/beacon").toString())
        .header("Origin", base.toString().replaceAll("/$", ""))
        .header("Sec-Fetch-Site", "same-origin")
        .post(RequestBody.create(json.getBytes(StandardCharsets.UTF_8),
            MediaType.parse("text/plain;charset=UTF-8"))))) {
      return response.code();
    }
  }

  @Test
  void aJavaxWarWithASecretGetsEndpointTagAndInvalidationWithNoCode() throws Exception {
    deploy("""
        <context-param><param-name>farewell.secret</param-name><param-value>%s</param-value></context-param>
        <context-param><param-name>farewell.exitGrace</param-name><param-value>300ms</param-value></context-param>
        """.formatted(SECRET));
    int before = DemoServlets.destroyedSessions.get();

    assertThat(get("/farewell/farewell.js")).contains("sendBeacon");
    try (Response login = call(new Request.Builder().url(base.resolve("/login").toString())
        .post(new FormBody.Builder().add("user", "alice").build()))) {
      assertThat(login.code()).isEqualTo(200);
    }
    String html = get("/page");
    assertThat(html).containsPattern("<script src=\"/farewell/farewell.js\" [^>]+></script></head>");
    Matcher token = TOKEN.matcher(html);
    assertThat(token.find()).isTrue();
    String page = UUID.randomUUID().toString();

    assertThat(beacon("open", token.group(1), page, 1)).isEqualTo(200);
    assertThat(DemoServlets.destroyedSessions.get()).isEqualTo(before);
    assertThat(beacon("exit", token.group(1), page, 2)).isEqualTo(200);

    await().atMost(Duration.ofSeconds(3))
        .until(() -> DemoServlets.destroyedSessions.get() == before + 1);
  }

  @Test
  void aJavaxWarWithoutASecretIsLeftAlone() throws Exception {
    deploy("");
    get("/page");
    try (Response beacon = call(new Request.Builder()
        .url(base.resolve("/farewell/beacon").toString())
        .post(RequestBody.create("{}", MediaType.parse("text/plain"))))) {
      assertThat(beacon.code()).isEqualTo(404);
    }
  }
}
