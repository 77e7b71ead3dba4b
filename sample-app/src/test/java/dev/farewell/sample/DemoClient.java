package dev.farewell.sample;

import dev.farewell.browser.JsonValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** A user of the demo over plain HTTP, with its own cookies. */
final class DemoClient {

  /** An answer: status, Location header and body. */
  record Answer(int status, String location, String body) {}

  private static final MediaType TEXT = MediaType.get("text/plain;charset=utf-8");

  private final URI base;
  private final List<Cookie> cookies = new ArrayList<>();
  private final OkHttpClient http;

  DemoClient(URI base) {
    this.base = base;
    this.http =
        new OkHttpClient.Builder()
            .followRedirects(false)
            .cookieJar(
                new CookieJar() {
                  @Override
                  public void saveFromResponse(HttpUrl url, List<Cookie> received) {
                    synchronized (cookies) {
                      for (Cookie c : received) {
                        cookies.removeIf(old -> old.name().equals(c.name()));
                        cookies.add(c);
                      }
                    }
                  }

                  @Override
                  public List<Cookie> loadForRequest(HttpUrl url) {
                    synchronized (cookies) {
                      return List.copyOf(cookies);
                    }
                  }
                })
            .build();
  }

  Answer get(String path) {
    return call(new Request.Builder().url(base.resolve(path).toString()).build());
  }

  Answer login(String user) {
    return call(
        new Request.Builder()
            .url(base.resolve("/login").toString())
            .post(new FormBody.Builder().add("user", user).build())
            .build());
  }

  Answer logout() {
    return call(
        new Request.Builder()
            .url(base.resolve("/logout").toString())
            .post(new FormBody.Builder().build())
            .build());
  }

  /** Sends one message of wire protocol v1 to {@code /farewell/beacon} as {@code sendBeacon} would. */
  Answer beacon(URI server, Map<String, Object> message) {
    return call(
        new Request.Builder()
            .url(server.resolve("/farewell/beacon").toString())
            .post(RequestBody.create(JsonValues.write(message), TEXT))
            .build());
  }

  Map<String, Object> me() {
    Answer answer = get("/api/me");
    if (answer.status() != 200) {
      throw new AssertionError("/api/me answered " + answer);
    }
    return JsonValues.object(answer.body());
  }

  List<Map<String, Object>> sessions() {
    return JsonValues.objects(get("/api/sessions").body());
  }

  List<Map<String, Object>> releases() {
    return JsonValues.objects(get("/api/releases").body());
  }

  private Answer call(Request request) {
    try (Response response = http.newCall(request).execute()) {
      return new Answer(response.code(), response.header("Location"), response.body().string());
    } catch (IOException e) {
      throw new UncheckedIOException(request.url() + " failed", e);
    }
  }
}
