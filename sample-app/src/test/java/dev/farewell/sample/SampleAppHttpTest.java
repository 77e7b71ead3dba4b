package dev.farewell.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.ReleaseReason;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SampleAppHttpTest {

  private SampleApp app;

  @BeforeEach
  void start() {
    app =
        SampleApp.start(
            SampleOptions.newBuilder()
                .port(0)
                .seats(2)
                .heartbeatInterval(Duration.ofSeconds(1))
                .heartbeatTimeout(Duration.ofSeconds(3))
                .hiddenTimeout(Duration.ofSeconds(6))
                .exitGrace(Duration.ofSeconds(1))
                .navigationGrace(Duration.ofSeconds(2))
                .build());
  }

  @AfterEach
  void stop() {
    app.close();
  }

  @Test
  void loginAnswers303ToTheAppAndMeNamesTheUser() {
    DemoClient alice = new DemoClient(app.uri());
    DemoClient.Answer login = alice.login("alice");
    assertThat(login.status()).isEqualTo(303);
    assertThat(login.location()).endsWith("/app");
    Map<String, Object> me = alice.me();
    assertThat(me).containsOnlyKeys("user", "sessionId", "token").containsEntry("user", "alice");
    assertThat((String) me.get("token")).isNotEmpty();
    assertThat(alice.get("/app").body()).contains("Hello, alice", "/farewell/farewell.js");
    assertThat(app.seatsInUse()).isEqualTo(1);
  }

  @Test
  void aLoginBeyondTheSeatsAnswers409WithAClearPage() {
    assertThat(new DemoClient(app.uri()).login("alice").status()).isEqualTo(303);
    assertThat(new DemoClient(app.uri()).login("bob").status()).isEqualTo(303);
    DemoClient.Answer third = new DemoClient(app.uri()).login("carol");
    assertThat(third.status()).isEqualTo(409);
    assertThat(third.body()).contains("All seats are taken");
  }

  @Test
  void anEmptyUserNameIsRefusedWith400AndTakesNoSeat() {
    assertThat(new DemoClient(app.uri()).login("   ").status()).isEqualTo(400);
    assertThat(app.seatsInUse()).isZero();
  }

  @Test
  void logoutReleasesExplicitlyFreesTheSeatAndCallsTheLegacySso() {
    DemoClient alice = new DemoClient(app.uri());
    alice.login("alice");
    String sessionId = (String) alice.me().get("sessionId");
    DemoClient.Answer logout = alice.logout();
    assertThat(logout.status()).isEqualTo(303);
    assertThat(logout.location()).endsWith("/");
    assertThat(app.seatsInUse()).isZero();
    assertThat(alice.get("/api/me").status()).isEqualTo(401);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              List<Map<String, Object>> releases = alice.releases();
              assertThat(releases).hasSize(1);
              assertThat(releases.get(0))
                  .containsOnlyKeys("sessionId", "user", "reason", "lastSignalAt", "releasedAt")
                  .containsEntry("sessionId", sessionId)
                  .containsEntry("user", "alice")
                  .containsEntry("reason", "EXPLICIT");
              assertThat(app.ssoLogouts()).isEqualTo(1);
            });
    assertThat(alice.get("/app").status()).isEqualTo(303);
  }

  @Test
  void aSessionWhosePagesStopBeatingIsReleasedWithTimeoutAndItsSeatFreed() {
    DemoClient alice = new DemoClient(app.uri());
    alice.login("alice");
    Map<String, Object> me = alice.me();
    DemoClient.Answer open =
        alice.beacon(
            app.uri(),
            Map.of(
                "v", 1, "type", "open", "token", me.get("token"), "page", "page-0001", "seq", 1,
                "hidden", false));
    assertThat(open.status()).isEqualTo(200);
    assertThat(alice.sessions())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s).containsOnlyKeys("sessionId", "user", "pages");
              assertThat(s).containsEntry("user", "alice");
            });
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> assertThat(app.releases()).singleElement()
                .extracting(ReleaseRecord::reason).isEqualTo(ReleaseReason.TIMEOUT));
    assertThat(app.seatsInUse()).isZero();
    assertThat(alice.sessions()).isEmpty();
  }

  @Test
  void aForgedTokenIsRefusedWith401AndReleasesNothing() {
    DemoClient alice = new DemoClient(app.uri());
    alice.login("alice");
    DemoClient.Answer forged =
        alice.beacon(
            app.uri(),
            Map.of("v", 1, "type", "exit", "token", "AAAA.BBBB", "page", "page-0001", "seq", 1));
    assertThat(forged.status()).isEqualTo(401);
    assertThat(app.seatsInUse()).isEqualTo(1);
  }

  @Test
  void theDashboardStreamsTheSeatsAndSessions() throws Exception {
    new DemoClient(app.uri()).login("alice");
    HttpURLConnection events =
        (HttpURLConnection) app.uri().resolve("/dashboard/events").toURL().openConnection();
    events.setReadTimeout(10_000);
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(events.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(events.getContentType()).startsWith("text/event-stream");
      String line;
      do {
        line = in.readLine();
      } while (line != null && !line.startsWith("data: "));
      assertThat(line).contains("\"seatsInUse\":1", "\"user\":\"alice\"");
    } finally {
      events.disconnect();
    }
    assertThat(new DemoClient(app.uri()).get("/dashboard").body()).contains("EventSource");
  }
}
