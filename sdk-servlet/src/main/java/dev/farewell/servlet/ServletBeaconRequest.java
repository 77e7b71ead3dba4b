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
  private final ServerOrigins origins;

  ServletBeaconRequest(HttpServletRequest request, ServerOrigins origins) {
    this.request = request;
    this.origins = origins;
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
    return origins.of(request.getScheme(), request.getServerName(), request.getServerPort());
  }

  @Override
  public Optional<String> cookieSessionKey() {
    HttpSession session = request.getSession(false);
    return session == null ? Optional.empty() : HttpSessionBridge.keyOf(session);
  }
}
