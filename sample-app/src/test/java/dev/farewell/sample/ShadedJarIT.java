package dev.farewell.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The demo as the README starts it, {@code java -jar sample-app/target/farewell-sample-app.jar}: the
 * shaded jar holds everything it needs (Jetty, the engine, the snippet's resources) and stops
 * cleanly. The integration tests run after the jar is built; {@link TwoInstancesIT} starts it too.
 */
class ShadedJarIT {

  @Test
  void theJarServesTheLoginPageAndTheSnippetAndStopsCleanlyOnSigterm() throws Exception {
    assertThat(DemoProcess.fromJar()).as("started from the shaded jar").isTrue();
    DemoProcess demo = DemoProcess.start(List.of("--port", "0", "--seats", "2"));
    try {
      DemoClient client = new DemoClient(demo.uri());
      DemoClient.Answer home = client.get("/");
      assertThat(home.status()).isEqualTo(200);
      assertThat(home.body()).contains("Log in", "Seats taken");
      DemoClient.Answer snippet = client.get("/farewell/farewell.js");
      assertThat(snippet.status()).isEqualTo(200);
      assertThat(snippet.body()).contains("sendBeacon", "pagehide");
      assertThat(client.login("alice").status()).isEqualTo(303);
    } finally {
      int status = demo.terminate();
      assertThat(status).as(demo.output()).isIn(0, 143);
      assertThat(demo.output()).contains("Farewell demo: stopped");
      demo.close();
    }
  }
}
