package dev.farewell.sample;

import dev.farewell.beacon.BeaconHandler;
import dev.farewell.beacon.BeaconRequest;
import dev.farewell.beacon.BeaconResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;

/** {@code /farewell/beacon}: hands each request to the framework-free {@link BeaconHandler}. */
final class BeaconServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private final transient BeaconHandler handler;

  BeaconServlet(BeaconHandler handler) {
    this.handler = handler;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    BeaconResponse answer =
        handler.handle(
            new BeaconRequest() {
              @Override
              public String method() {
                return request.getMethod();
              }

              @Override
              public Optional<String> header(String name) {
                return Optional.ofNullable(request.getHeader(name));
              }

              @Override
              public InputStream body() throws IOException {
                return request.getInputStream();
              }

              @Override
              public String serverOrigin() {
                int port = request.getServerPort();
                String scheme = request.getScheme();
                boolean defaultPort =
                    ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
                return scheme + "://" + request.getServerName() + (defaultPort ? "" : ":" + port);
              }
            });
    response.setStatus(answer.status());
    for (Map.Entry<String, String> header : answer.headers().entrySet()) {
      response.setHeader(header.getKey(), header.getValue());
    }
    if (answer.closeConnection()) {
      response.setHeader("Connection", "close");
    }
    response.getOutputStream().write(answer.body());
  }
}
