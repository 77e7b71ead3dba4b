package dev.farewell.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.userdetails.User;

/**
 * {@link SecuredApp} (one session per user, a second login refused) whose release ends a login
 * slowly, as a session store over the network does: the user comes back while the login of the
 * page they closed is being ended. The release decided to end the login; a page served meanwhile
 * must not be watched (its beats would outlive the login the release ends), and the login ends
 * whole: the registry lets the user back in, the browser is logged out.
 */
@SpringBootTest(
    classes = {SecuredApp.class, UserBackWhileTheLoginEndsTest.SlowEndingConfiguration.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "farewell.exit-grace=300ms",
      "farewell.token.secret=a-test-secret-of-at-least-32-bytes!!"
    })
class UserBackWhileTheLoginEndsTest {

  @Value("${local.server.port}")
  int port;

  @Autowired
  Farewell farewell;

  @Autowired
  RecordedReleases releases;

  @Autowired
  SessionRegistry sessionRegistry;

  @Autowired
  SlowEnding slowEnding;

  @AfterEach
  void resume() {
    slowEnding.resume.countDown();
  }

  @Test
  void aPageServedWhileTheLoginIsBeingEndedIsNotWatchedAndTheLoginEnds() throws Exception {
    Browser browser = new Browser(port);
    assertThat(browser.logIn("alice")).isTrue();
    Browser.Page page = browser.page();
    slowEnding.sessionKey = page.sessionKey();
    assertThat(browser.signal(page, "open")).isEqualTo(200);

    assertThat(browser.signal(page, "exit")).isEqualTo(200);
    assertThat(slowEnding.started.await(10, TimeUnit.SECONDS))
        .as("the release is ending the login").isTrue();

    // The user is back: the login is still there, and the page is served, but not watched.
    HttpResponse<String> back = browser.get("/page");
    assertThat(back.statusCode()).isEqualTo(200);
    assertThat(back.body()).as("the page of a login being ended").doesNotContain("data-token");
    assertThat(farewell.session(page.sessionKey())).as("the released key").isEmpty();

    slowEnding.resume.countDown();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> browser.get("/page").statusCode() == 302);
    assertThat(releases.of(page.sessionKey())).extracting(Release::reason)
        .containsExactly(ReleaseReason.EXIT);
    assertThat(farewell.session(page.sessionKey())).as("the released key").isEmpty();
    assertThat(sessionRegistry.getAllSessions(
        User.withUsername("alice").password("unused").roles("USER").build(), false)).isEmpty();
    assertThat(new Browser(port).logIn("alice")).as("a login from elsewhere").isTrue();
  }

  /** The first ending of a login, which waits until the test resumes it (for one session). */
  static final class SlowEnding implements SessionEnding, Ordered {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch resume = new CountDownLatch(1);
    volatile String sessionKey;

    @Override
    public void end(String sessionId, Release release) {
      if (release.sessionKey().equals(sessionKey)) {
        started.countDown();
        try {
          resume.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public int getOrder() {
      return Ordered.HIGHEST_PRECEDENCE;
    }
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class SlowEndingConfiguration {

    @Bean
    SlowEnding slowEnding() {
      return new SlowEnding();
    }
  }
}
