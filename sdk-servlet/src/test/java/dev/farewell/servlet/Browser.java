package dev.farewell.servlet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** One browser profile for the tests: an OkHttp client with its own cookie jar. */
final class Browser {

  /** What came back: status, headers and body, read in full. */
  record Answer(int code, Map<String, List<String>> headers, byte[] bytes) {
    String body() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  private final URI base;
  private final OkHttpClient client;

  Browser(URI base, OkHttpClient shared) {
    this.base = base;
    List<Cookie> cookies = new ArrayList<>();
    this.client =
        shared.newBuilder()
            .cookieJar(
                new CookieJar() {
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
  }

  String origin() {
    return base.toString();
  }

  /** Serves a page of the application: returns its token. */
  String pageToken() {
    Answer answer = get("/app/page?user=alice", Map.of());
    if (answer.code() != 200) {
      throw new AssertionError("page not served: " + answer);
    }
    return answer.body();
  }

  /** The Farewell key of this browser's HttpSession, or null. */
  String sessionKey() {
    Answer answer = get("/app/key", Map.of());
    return answer.code() == 200 ? answer.body() : null;
  }

  Answer get(String path, Map<String, String> headers) {
    return send("GET", path, null, headers);
  }

  /** Posts a same-origin message as text/plain (the snippet's sendBeacon form). */
  Answer beacon(String json) {
    return post("/farewell/beacon", "text/plain;charset=UTF-8", json.getBytes(StandardCharsets.UTF_8),
        Map.of("Origin", origin(), "Sec-Fetch-Site", "same-origin"));
  }

  Answer post(String path, String contentType, byte[] body, Map<String, String> headers) {
    return send("POST", path,
        RequestBody.create(body, contentType == null ? null : MediaType.parse(contentType)),
        headers);
  }

  Answer send(String method, String path, RequestBody body, Map<String, String> headers) {
    Request.Builder request = new Request.Builder().url(base.resolve(path).toString());
    headers.forEach(request::header);
    request.method(method, body);
    try (Response response = client.newCall(request.build()).execute()) {
      return new Answer(response.code(), response.headers().toMultimap(), response.body().bytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
