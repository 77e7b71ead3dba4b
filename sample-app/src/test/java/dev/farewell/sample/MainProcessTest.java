package dev.farewell.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MainProcessTest {

  @Test
  void theDemoPrintsItsUrlServesTheLoginPageAndStopsCleanlyOnSigterm() throws Exception {
    DemoProcess demo = DemoProcess.start(List.of("--port", "0", "--seats", "2"));
    try {
      assertThat(demo.uri().getPort()).isPositive();
      DemoClient.Answer home = new DemoClient(demo.uri()).get("/");
      assertThat(home.status()).isEqualTo(200);
      assertThat(home.body()).contains("Log in", "Seats taken");
    } finally {
      int status = demo.terminate();
      assertThat(status).as(demo.output()).isIn(0, 143);
      assertThat(demo.output()).contains("Farewell demo: stopped");
      demo.close();
    }
  }
}
