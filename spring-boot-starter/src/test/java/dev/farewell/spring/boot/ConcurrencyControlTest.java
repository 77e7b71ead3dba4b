package dev.farewell.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * Spring Security's concurrency control ({@code maximumSessions(1).maxSessionsPreventsLogin(true)})
 * on a real Tomcat, with nothing wired but the starter: a closed page lets its user back in.
 */
@SpringBootTest(
    classes = SecuredApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "farewell.exit-grace=1s",
      "farewell.token.secret=a-test-secret-of-at-least-32-bytes!!"
    })
class ConcurrencyControlTest {

  private static final Duration EXIT_GRACE = Duration.ofSeconds(1);

  @Value("${local.server.port}")
  int port;

  @Autowired
  RecordedReleases releases;

  @Autowired
  Farewell farewell;

  @Autowired
  SessionRegistry sessionRegistry;

  @Test
  void secondLoginIsRefusedWhileTheFirstPageIsOpenAndAcceptedWithinTheExitGraceAfterItClosed() {
    Browser first = new Browser(port);
    assertThat(first.logIn("alice")).isTrue();
    Browser.Page page = first.page();
    assertThat(first.signal(page, "open")).isEqualTo(200);

    Browser second = new Browser(port);
    assertThat(second.logIn("alice")).as("second login while the first page is open").isFalse();
    // Spring Security counts the logins in the starter's registry, the one a release expires.
    assertThat(sessionRegistry.getAllSessions(user("alice"), false)).hasSize(1);

    Instant closedAt = Instant.now();
    assertThat(first.signal(page, "exit")).isEqualTo(200);

    // The bound is on the server's release; the login after it may be slow on a loaded machine.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> !releases.of(page.sessionKey()).isEmpty());
    Release release = releases.of(page.sessionKey()).get(0);
    assertThat(release.reason()).isEqualTo(ReleaseReason.EXIT);
    assertThat(Duration.between(closedAt, release.releasedAt()))
        .isLessThanOrEqualTo(EXIT_GRACE.plusSeconds(1));
    assertThat(sessionRegistry.getAllSessions(user("alice"), false)).isEmpty();
    assertThat(second.logIn("alice")).as("second login after the release").isTrue();
    assertThat(releases.of(page.sessionKey())).hasSize(1);
  }

  @Test
  void secondLoginStaysRefusedWhileTheFirstPageBeatsPastTheExitGrace() {
    Browser first = new Browser(port);
    assertThat(first.logIn("bob")).isTrue();
    Browser.Page page = first.page();
    assertThat(first.signal(page, "open")).isEqualTo(200);
    long until = System.nanoTime() + EXIT_GRACE.multipliedBy(2).toNanos();

    Browser second = new Browser(port);
    await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
        .until(() -> {
          assertThat(first.signal(page, "heartbeat")).isEqualTo(200);
          assertThat(second.logIn("bob")).isFalse();
          return System.nanoTime() > until;
        });
    assertThat(releases.of(page.sessionKey())).isEmpty();
  }

  @Test
  void releasedSessionIsLoggedOutInItsOwnBrowser() {
    Browser browser = new Browser(port);
    assertThat(browser.logIn("carol")).isTrue();
    Browser.Page page = browser.page();
    browser.signal(page, "open");
    browser.signal(page, "exit");

    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> !releases.of(page.sessionKey()).isEmpty());
    assertThat(browser.get("/page").statusCode()).isEqualTo(302);
  }

  @Test
  void logoutReleasesTheSessionAsExplicitOnce() {
    Browser browser = new Browser(port);
    assertThat(browser.logIn("dave")).isTrue();
    Browser.Page page = browser.page();
    browser.signal(page, "open");

    assertThat(browser.logOut().statusCode()).isEqualTo(302);

    await().atMost(Duration.ofSeconds(10))
        .until(() -> !releases.of(page.sessionKey()).isEmpty());
    // The HttpSession listener sees the same session destroyed just after: no second release.
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> releases.of(page.sessionKey()).size() == 1);
    assertThat(releases.of(page.sessionKey()))
        .extracting(r -> r.reason()).containsExactly(ReleaseReason.EXPLICIT);
    assertThat(farewell.session(page.sessionKey())).isEmpty();
    assertThat(new Browser(port).logIn("dave")).isTrue();
  }

  @Test
  void beaconNeedsNoCsrfTokenWhileOtherPostsStillDo() {
    Browser browser = new Browser(port);
    assertThat(browser.logIn("erin")).isTrue();
    Browser.Page page = browser.page();

    assertThat(browser.postForm("/page", "x=1").statusCode()).isEqualTo(403);
    assertThat(browser.signal(page, "open")).isEqualTo(200);
  }

  @Test
  void releaseActionAndListenerBeansBothRunForARelease() {
    Browser browser = new Browser(port);
    assertThat(browser.logIn("frank")).isTrue();
    Browser.Page page = browser.page();
    browser.signal(page, "open");
    browser.signal(page, "exit");

    await().atMost(Duration.ofSeconds(10))
        .until(() -> !releases.of(page.sessionKey()).isEmpty());
    assertThat(releases.byAction).anyMatch(r -> r.sessionKey().equals(page.sessionKey()));
  }

  @Test
  void snippetIsServedUnderTheBasePath() {
    Browser browser = new Browser(port);
    assertThat(browser.logIn("grace")).isTrue();

    var answer = browser.get("/farewell/farewell.js");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type").orElse("")).contains("javascript");
  }

  private static UserDetails user(String name) {
    return User.withUsername(name).password("unused").roles("USER").build();
  }
}
