package dev.farewell.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import dev.farewell.ReleaseReason;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/** With Spring Session, a release deletes the session through its repository. */
@SpringBootTest(
    classes = SpringSessionApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "farewell.exit-grace=1s",
      "farewell.token.secret=a-test-secret-of-at-least-32-bytes!!"
    })
class SpringSessionTest {

  @Value("${local.server.port}")
  int port;

  @Autowired
  RecordedReleases releases;

  @Test
  void releaseDeletesTheSpringSessionAndLetsTheUserBackIn() {
    Browser first = new Browser(port);
    assertThat(first.logIn("alice")).isTrue();
    Browser.Page page = first.page();
    String sessionId = new String(
        Base64.getDecoder().decode(first.cookie("SESSION")), StandardCharsets.UTF_8);
    assertThat(SpringSessionApp.SESSIONS).containsKey(sessionId);
    assertThat(first.signal(page, "open")).isEqualTo(200);
    Browser second = new Browser(port);
    assertThat(second.logIn("alice")).isFalse();

    assertThat(first.signal(page, "exit")).isEqualTo(200);

    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> !SpringSessionApp.SESSIONS.containsKey(sessionId));
    assertThat(second.logIn("alice")).isTrue();
    assertThat(first.get("/page").statusCode()).isEqualTo(302);
  }

  /*
   * Spring Session ends a session without the container's HttpSessionListener, so only the
   * starter's logout handler releases it: without it, nothing would be released at all.
   */
  @Test
  void logoutReleasesTheSessionAsExplicitOnce() {
    Browser browser = new Browser(port);
    assertThat(browser.logIn("dave")).isTrue();
    Browser.Page page = browser.page();
    assertThat(browser.signal(page, "open")).isEqualTo(200);

    assertThat(browser.logOut().statusCode()).isEqualTo(302);

    await().atMost(Duration.ofSeconds(10))
        .until(() -> !releases.of(page.sessionKey()).isEmpty());
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> releases.of(page.sessionKey()).size() == 1);
    assertThat(releases.of(page.sessionKey()))
        .extracting(r -> r.reason()).containsExactly(ReleaseReason.EXPLICIT);
  }
}
