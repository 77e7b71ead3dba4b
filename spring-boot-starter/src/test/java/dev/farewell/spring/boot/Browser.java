package dev.farewell.spring.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One browser profile for the tests: an HTTP client with its own cookies, never redirected. */
final class Browser {

  private static final Pattern TOKEN = Pattern.compile("data-token=\"([^\"]+)\"");
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

  /** A page served to this browser: its token and the Farewell key of its session. */
  record Page(String id, String token, String sessionKey) {}

  private final String origin;
  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient client;
  private long seq;

  Browser(int port) {
    this.origin = "http://127.0.0.1:" + port;
    this.client = HttpClient.newBuilder()
        .cookieHandler(cookies)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(origin + path)).GET());
  }

  HttpResponse<String> postForm(String path, String form) {
    return send(HttpRequest.newBuilder(URI.create(origin + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)));
  }

  /** Logs in through Spring Security's form; true if it let the user in. */
  boolean logIn(String user) {
    String csrf = csrfOf(get("/login").body());
    HttpResponse<String> answer = postForm("/login",
        "username=" + user + "&password=password&_csrf=" + encode(csrf));
    String location = answer.headers().firstValue("Location").orElse("");
    return answer.statusCode() == 302 && !location.contains("error");
  }

  /** Logs out through Spring Security's logout page. */
  HttpResponse<String> logOut() {
    String csrf = csrfOf(get("/logout").body());
    return postForm("/logout", "_csrf=" + encode(csrf));
  }

  /** Serves the application's page: returns its token and session key. */
  Page page() {
    HttpResponse<String> answer = get("/page");
    if (answer.statusCode() != 200) {
      throw new AssertionError("page not served: " + answer.statusCode() + " " + answer.headers());
    }
    Matcher token = TOKEN.matcher(answer.body());
    if (!token.find()) {
      throw new AssertionError("no script tag with a token in " + answer.body());
    }
    String key = answer.headers().firstValue("X-Session-Key").orElseThrow();
    return new Page("page-" + UUID.randomUUID().toString().substring(0, 8), token.group(1), key);
  }

  /** Sends one of the snippet's messages for {@code page}, as its sendBeacon does. */
  int signal(Page page, String type) {
    seq++;
    String json = "{\"v\":1,\"type\":\"" + type + "\",\"token\":\"" + page.token()
        + "\",\"page\":\"" + page.id() + "\",\"seq\":" + seq
        + ("exit".equals(type) ? "" : ",\"hidden\":false") + "}";
    return send(HttpRequest.newBuilder(URI.create(origin + "/farewell/beacon"))
        .header("Content-Type", "text/plain;charset=UTF-8")
        .header("Origin", origin)
        .POST(HttpRequest.BodyPublishers.ofString(json))).statusCode();
  }

  /** The value of one of this browser's cookies, or null. */
  String cookie(String name) {
    return cookies.getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals(name)).map(c -> c.getValue()).findFirst().orElse(null);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return client.send(request.timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String csrfOf(String html) {
    Matcher m = CSRF.matcher(html);
    if (!m.find()) {
      throw new AssertionError("no CSRF token in " + html);
    }
    return m.group(1);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
