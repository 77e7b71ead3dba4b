package dev.farewell.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Farewell's meters in the Prometheus text format at {@code /actuator/prometheus}, under the names
 * docs/metrics.md gives, after a real page's open and exit on a real Tomcat.
 */
@SpringBootTest(
    classes = SecuredApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "farewell.exit-grace=1s",
      "farewell.token.secret=a-test-secret-of-at-least-32-bytes!!",
      "management.endpoints.web.exposure.include=prometheus",
      "management.prometheus.metrics.export.enabled=true"
    })
class PrometheusTest {

  @Value("${local.server.port}")
  int port;

  @Autowired
  RecordedReleases releases;

  @Test
  void aReleaseShowsInThePrometheusScrapeUnderTheDocumentedNames() {
    Browser browser = new Browser(port);
    assertThat(browser.logIn("carol")).isTrue();
    Browser.Page page = browser.page();
    assertThat(browser.signal(page, "open")).isEqualTo(200);
    assertThat(browser.signal(page, "exit")).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> !releases.of(page.sessionKey()).isEmpty());

    Browser admin = new Browser(port);
    assertThat(admin.logIn("dave")).isTrue();
    HttpResponse<String> scrape = admin.get("/actuator/prometheus");
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body())
        .containsPattern("(?m)^farewell_releases_sessions_total\\{.*reason=\"exit\".*\\} [1-9]")
        .containsPattern(
            "(?m)^farewell_signals_total\\{.*outcome=\"accepted\".*type=\"open\".*\\} [1-9]")
        .containsPattern("(?m)^farewell_release_lateness_seconds_count\\{.*reason=\"exit\".*\\} [1-9]")
        .containsPattern("(?m)^farewell_sessions [0-9]")
        .containsPattern("(?m)^farewell_store_up 1");
  }
}
