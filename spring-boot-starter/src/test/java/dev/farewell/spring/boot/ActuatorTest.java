package dev.farewell.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseAction;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Farewell's meters, health and endpoint through Actuator on a real Tomcat, behind the
 * application's Spring Security like every other endpoint. Only HTTP is used, so that the same
 * test runs on Boot 4 and on Boot 3.5, whose Actuators keep health in different packages.
 */
@SpringBootTest(
    classes = {SecuredApp.class, ActuatorTest.HeldReleases.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "farewell.exit-grace=1s",
      "farewell.token.secret=a-test-secret-of-at-least-32-bytes!!",
      "farewell.health.maximum-release-backlog=0",
      "management.endpoints.web.exposure.include=health,metrics,farewell",
      "management.endpoint.health.show-details=always"
    })
class ActuatorTest {

  @Value("${local.server.port}")
  int port;

  @Autowired
  RecordedReleases releases;

  @Autowired
  Farewell farewell;

  @Autowired
  HeldReleases held;

  @Test
  void aClosedPagesReleaseShowsInTheEndpointAndTheMetricsWithoutItsSessionKey() {
    Browser browser = new Browser(port);
    assertThat(browser.logIn("carol")).isTrue();
    Browser.Page page = browser.page();
    assertThat(browser.signal(page, "open")).isEqualTo(200);
    assertThat(browser.signal(page, "exit")).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> !releases.of(page.sessionKey()).isEmpty());
    Release release = releases.of(page.sessionKey()).get(0);

    Browser admin = new Browser(port);
    assertThat(admin.logIn("dave")).isTrue();
    HttpResponse<String> report = admin.get("/actuator/farewell");
    assertThat(report.statusCode()).isEqualTo(200);
    assertThat(report.body())
        .contains("\"releaseId\":\"" + release.releaseId() + "\",\"reason\":\"exit\"")
        .contains("\"storeUp\":true")
        .doesNotContain(page.sessionKey());

    assertThat(count(admin, "farewell.releases?tag=reason:exit")).isGreaterThanOrEqualTo(1);
    assertThat(count(admin, "farewell.signals?tag=type:open&tag=outcome:accepted"))
        .isGreaterThanOrEqualTo(1);
    assertThat(count(admin, "farewell.release.lateness?tag=reason:exit"))
        .isGreaterThanOrEqualTo(1);
    assertThat(admin.get("/actuator/metrics/farewell.sessions").statusCode()).isEqualTo(200);
  }

  @Test
  void theEndpointAndMetricsNeedALogin() {
    Browser stranger = new Browser(port);

    assertThat(stranger.get("/actuator/farewell").statusCode()).isIn(302, 401);
    assertThat(stranger.get("/actuator/metrics/farewell.releases").statusCode()).isIn(302, 401);
  }

  @Test
  void healthIsDegradedWhileTheReleaseBacklogIsOverItsLimit() {
    Browser admin = new Browser(port);
    assertThat(admin.logIn("erin")).isTrue();
    assertThat(farewellHealth(admin)).contains("\"status\":\"UP\"");

    farewell.track("held-session");
    farewell.release("held-session");
    await().atMost(Duration.ofSeconds(10))
        .until(() -> farewellHealth(admin).contains("\"status\":\"DEGRADED\""));
    assertThat(farewellHealth(admin)).contains("\"releaseBacklog\":1");

    held.release.complete(null);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> farewellHealth(admin).contains("\"status\":\"UP\""));
  }

  /** The {@code farewell} component of {@code /actuator/health}, as JSON text. */
  private static String farewellHealth(Browser browser) {
    String body = browser.get("/actuator/health").body();
    int start = body.indexOf("\"farewell\":{");
    assertThat(start).as(body).isNotNegative();
    int depth = 0;
    for (int i = body.indexOf('{', start); i < body.length(); i++) {
      depth += body.charAt(i) == '{' ? 1 : body.charAt(i) == '}' ? -1 : 0;
      if (depth == 0) {
        return body.substring(start, i + 1);
      }
    }
    throw new AssertionError("unbalanced JSON: " + body);
  }

  /** The COUNT statistic of a meter, from {@code /actuator/metrics}. */
  private static double count(Browser browser, String meter) {
    HttpResponse<String> answer = browser.get("/actuator/metrics/" + meter);
    assertThat(answer.statusCode()).as(meter).isEqualTo(200);
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("\"statistic\":\"COUNT\",\"value\":([0-9.E]+)").matcher(answer.body());
    assertThat(m.find()).as(answer.body()).isTrue();
    return Double.parseDouble(m.group(1));
  }

  /** An action that keeps the release of {@code held-session} pending until the test lets go. */
  @Configuration(proxyBeanMethods = false)
  static class HeldReleases {

    final CompletableFuture<Void> release = new CompletableFuture<>();

    @Bean
    ReleaseAction heldAction() {
      return r -> r.sessionKey().equals("held-session")
          ? release
          : CompletableFuture.completedFuture(null);
    }
  }
}
