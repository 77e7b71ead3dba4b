package com.example.seats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The application of docs/getting-started.md, exactly as the guide shows it, in a real container:
 * a user logs in, gets a page whose tag starts the snippet, and the seat frees itself when the
 * page goes. The HTTP client plays the browser and sends what the snippet sends.
 */
abstract class GettingStartedContract {

  static final Pattern TAG =
      Pattern.compile("<script src=\"([^\"]+)\" data-token=\"([^\"]+)\" integrity=\"([^\"]+)\""
          + "(?: data-endpoint=\"[^\"]+\")? defer></script>");

  final Seats seats = new Seats(2);
  URI base;
  OkHttpClient http;

  /** Starts the example on a free port with {@link #seats}; returns its address. */
  abstract URI start(Seats seats) throws Exception;

  abstract void stop() throws Exception;

  @BeforeEach
  void startApplication() throws Exception {
    base = start(seats);
    http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterEach
  void stopApplication() throws Exception {
    stop();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Test
  void closingTheOnlyTabFreesTheSeatAndEndsTheHttpSessionWithinTheExitGrace() throws Exception {
    Tab tab = new Profile().logIn("alice").openApp();
    tab.send("open");
    assertThat(seats.taken()).containsExactly("alice");

    tab.send("exit");
    await().atMost(Duration.ofSeconds(3 + 2)).until(() -> seats.taken().isEmpty());
    assertThat(tab.profile.get("/app").header("Location")).endsWith("/login");
  }

  @Test
  void aReloadFreesNothing() throws Exception {
    Profile alice = new Profile().logIn("alice");
    Tab first = alice.openApp();
    first.send("open");
    first.send("exit");
    Tab reloaded = alice.openApp();
    reloaded.send("open");

    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5))
        .until(() -> seats.taken().contains("alice"));
    assertThat(alice.get("/app").code).isEqualTo(200);
  }

  @Test
  void aThirdUserIsRefusedUntilASeatIsFreedByLoggingOut() throws Exception {
    Profile alice = new Profile().logIn("alice");
    alice.openApp().send("open");
    new Profile().logIn("bob").openApp().send("open");
    assertThat(new Profile().tryLogIn("carol").code).isEqualTo(409);

    assertThat(alice.post("/logout", new FormBody.Builder().build()).code).isEqualTo(302);
    await().atMost(Duration.ofSeconds(2)).until(() -> !seats.taken().contains("alice"));
    assertThat(new Profile().tryLogIn("carol").code).isEqualTo(302);
  }

  @Test
  void theTagLoadsTheSnippetItsIntegrityHashNames() throws Exception {
    Tab tab = new Profile().logIn("alice").openApp();
    Answer snippet = tab.profile.get(tab.src);
    assertThat(snippet.code).isEqualTo(200);
    String hash = "sha384-" + Base64.getEncoder().encodeToString(
        MessageDigest.getInstance("SHA-384").digest(snippet.bytes));
    assertThat(tab.integrity).isEqualTo(hash);
  }

  @Test
  void theLoginPageStartsNoSession() {
    Answer login = new Profile().get("/login");
    assertThat(login.code).isEqualTo(200);
    assertThat(login.body()).doesNotContain("<script");
    assertThat(login.header("Set-Cookie")).isNull();
  }

  record Answer(int code, okhttp3.Headers headers, byte[] bytes) {
    String body() {
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    String header(String name) {
      return headers.get(name);
    }
  }

  /** A page of the app as the browser holds it: its tag's attributes and the snippet's state. */
  final class Tab {
    final Profile profile;
    final String src;
    final String token;
    final String integrity;
    final String page = UUID.randomUUID().toString();
    long seq;

    Tab(Profile profile, String html) {
      this.profile = profile;
      Matcher tag = TAG.matcher(html);
      assertThat(tag.find()).as("the page has the script tag: %s", html).isTrue();
      this.src = tag.group(1);
      this.token = tag.group(2);
      this.integrity = tag.group(3);
    }

    /** Sends a message of {@code type} as the snippet does (sendBeacon of a string). */
    void send(String type) {
      String json = "{\"v\":1,\"type\":\"" + type + "\",\"token\":\"" + token + "\",\"page\":\""
          + page + "\",\"seq\":" + (++seq) + (type.equals("exit") ? "" : ",\"hidden\":false")
          + "}";
      Answer answer = profile.send(new Request.Builder()
          .url(base.resolve(src.replace("farewell.js", "beacon")).toString())
          .header("Origin", base.toString().replaceAll("/$", ""))
          .header("Sec-Fetch-Site", "same-origin")
          .post(RequestBody.create(json, MediaType.parse("text/plain;charset=UTF-8"))));
      assertThat(answer.code).as("%s: %s", type, answer.body()).isEqualTo(200);
    }
  }

  /** One browser profile: its own cookies. */
  final class Profile {
    private final List<Cookie> cookies = new ArrayList<>();
    private final OkHttpClient client = http.newBuilder()
        .followRedirects(false)
        .cookieJar(new CookieJar() {
          @Override
          public void saveFromResponse(HttpUrl url, List<Cookie> list) {
            synchronized (cookies) {
              for (Cookie cookie : list) {
                cookies.removeIf(c -> c.name().equals(cookie.name()));
                cookies.add(cookie);
              }
            }
          }

          @Override
          public List<Cookie> loadForRequest(HttpUrl url) {
            synchronized (cookies) {
              return new ArrayList<>(cookies);
            }
          }
        })
        .build();

    Answer tryLogIn(String user) {
      return post("/login", new FormBody.Builder().add("user", user).build());
    }

    Profile logIn(String user) {
      Answer answer = tryLogIn(user);
      assertThat(answer.code).as("login of %s", user).isEqualTo(302);
      assertThat(answer.header("Location")).endsWith("/app");
      return this;
    }

    Tab openApp() {
      Answer app = get("/app");
      assertThat(app.code).isEqualTo(200);
      return new Tab(this, app.body());
    }

    Answer get(String path) {
      return send(new Request.Builder().url(base.resolve(path).toString()));
    }

    Answer post(String path, RequestBody body) {
      return send(new Request.Builder().url(base.resolve(path).toString()).post(body));
    }

    Answer send(Request.Builder request) {
      try (Response response = client.newCall(request.build()).execute()) {
        return new Answer(response.code(), response.headers(), response.body().bytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
