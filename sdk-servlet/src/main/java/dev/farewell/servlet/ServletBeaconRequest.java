package dev.farewell.servlet;

import dev.farewell.beacon.BeaconRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** A servlet request seen as a {@link BeaconRequest}. */
final class ServletBeaconRequest implements BeaconRequest {

  private final HttpServletRequest request;

  ServletBeaconRequest(HttpServletRequest request) {
    this.request = request;
  }

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
    // The raw stream: never getParameter() or getParts(), which would make the container parse
    // and buffer a form or an upload of any size before we could refuse it.
    return request.getInputStream();
  }

  @Override
  public String serverOrigin() {
    String scheme = request.getScheme();
    String host = request.getServerName();
    int port = request.getServerPort();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    boolean defaultPort =
        port <= 0
            || "http".equalsIgnoreCase(scheme) && port == 80
            || "https".equalsIgnoreCase(scheme) && port == 443;
    return scheme + "://" + host + (defaultPort ? "" : ":" + port);
  }

  @Override
  public Optional<String> cookieSessionKey() {
    HttpSession session = request.getSession(false);
    return session == null ? Optional.empty() : HttpSessionBridge.keyOf(session);
  }
}
