package com.example.seats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import okhttp3.FormBody;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

/**
 * Regression test (from a review) of the getting-started application (docs/getting-started.md, steps 3 and 5), as
 * the guide shows it, in Jetty.
 */
class GettingStartedSecondLoginJettyTest extends GettingStartedContract {
  private Server server;

  @Override
  URI start(Seats seats) throws Exception {
    server = JettyMain.start(0, seats);
    return URI.create("http://127.0.0.1:" + server.getURI().getPort() + "/");
  }

  @Override
  void stop() throws Exception {
    server.stop();
  }

  /*
   * Regression (found in review, docs): the guide's LoginServlet (docs/getting-started.md step 3; LoginServlet.java)
   * logs a second user in on the same HttpSession without ending the first login, and
   * FarewellServlet.track (FarewellServlet.java track: "when not empty they replace those of an
   * earlier call") silently overwrites the session's attributes {user=alice} with {user=bob}. The
   * single release of that session then carries only bob: alice's seat is never freed, not by
   * logout, not by a closed tab, not by the container's timeout. On a shared computer (or a user
   * switching accounts without logging out) each such login leaks a seat for good; with two seats
   * the application locks everyone out after two such switches.
   */
  @Test
  void aSecondLoginInTheSameBrowserDoesNotLeakTheFirstUsersSeat() throws Exception {
    Profile shared = new Profile().logIn("alice");
    shared.openApp().send("open");
    shared.logIn("bob");
    shared.openApp().send("open");

    assertThat(shared.post("/logout", new FormBody.Builder().build()).code()).isEqualTo(302);

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(seats.taken()).as("seats still taken after the only browser logged out")
            .isEmpty());
  }
}
