package dev.farewell.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.ReleaseAction;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * docs/spring-boot.md: Actuator's default status order leaves out statuses it does not know, so a
 * DEGRADED farewell shows in its component while the overall status stays UP; with the documented
 * status order, DEGRADED is the overall status. (A review found the docs saying the opposite.)
 */
@SpringBootTest(
    classes = {SecuredApp.class, DegradedHealthTest.HeldReleases.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "farewell.exit-grace=1s",
      "farewell.token.secret=a-test-secret-of-at-least-32-bytes!!",
      "farewell.health.maximum-release-backlog=0",
      "management.endpoints.web.exposure.include=health",
      "management.endpoint.health.show-details=always",
      "management.endpoint.health.status.order=DOWN,OUT_OF_SERVICE,DEGRADED,UP,UNKNOWN"
    })
class DegradedHealthTest {

  @Value("${local.server.port}")
  int port;

  @Autowired
  Farewell farewell;

  @Autowired
  HeldReleases held;

  @AfterEach
  void letGo() {
    held.release.complete(null);
  }

  @Test
  void withTheDocumentedStatusOrderADegradedFarewellIsTheOverallStatus() {
    Browser admin = new Browser(port);
    assertThat(admin.logIn("erin")).isTrue();

    farewell.track("held-session");
    farewell.release("held-session");
    await().atMost(Duration.ofSeconds(10))
        .until(() -> admin.get("/actuator/health").body().contains("\"DEGRADED\""));

    String body = admin.get("/actuator/health").body();
    // The overall status is the first property of the answer (Boot 3.5) or the last (Boot 4).
    assertThat(body.startsWith("{\"status\":\"DEGRADED\"")
            || body.endsWith("\"status\":\"DEGRADED\"}"))
        .as("overall status in %s", body).isTrue();
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
