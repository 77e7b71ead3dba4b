package dev.farewell.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

class KeepAliveLoadDriverTest {

  @Test
  void answersWithALengthWithChunksAndWithNoBodyAreReadToTheirEnd() throws Exception {
    String answers =
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
            + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
    InputStream in = new ByteArrayInputStream(answers.getBytes(StandardCharsets.US_ASCII));
    KeepAliveLoadDriver.AnswerReader reader = new KeepAliveLoadDriver.AnswerReader(in);
    assertThat(reader.next().status()).isEqualTo(200);
    assertThat(reader.next().status()).isEqualTo(200);
    assertThat(reader.next().close()).isTrue();
    assertThat(in.read()).isEqualTo(-1);
    assertThatThrownBy(reader::next).isInstanceOf(java.io.EOFException.class);
  }

  @Test
  void theBareServletAnswersEveryBeaconOfTheDriverWith204() throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new BareBeaconServlet()), "/bare/beacon");
    server.setHandler(context);
    server.start();
    try {
      int port = connector.getLocalPort();
      KeepAliveLoadDriver.Result result =
          new KeepAliveLoadDriver(port, 2)
              .run(
                  (connection, count) ->
                      KeepAliveLoadDriver.beaconPost("/bare/beacon", port, "{\"seq\":" + count + "}"),
                  Duration.ofMillis(300));
      assertThat(result.requests()).isPositive();
      assertThat(result.count(204)).isEqualTo(result.requests());
    } finally {
      server.stop();
    }
  }
}
