package dev.farewell.benchmarks;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;

/**
 * The baseline of the HTTP figure: a servlet that reads a beacon's body (up to the protocol's
 * 4 KiB) and answers 204, doing nothing else. What Farewell's servlet costs above it is parsing,
 * token checks and the engine.
 */
final class BareBeaconServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final int MAXIMUM_BODY = 4096;

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    InputStream body = request.getInputStream();
    byte[] buffer = new byte[MAXIMUM_BODY];
    int total = 0;
    for (int n = body.read(buffer, 0, buffer.length);
        n > 0 && total < MAXIMUM_BODY;
        n = body.read(buffer, total, buffer.length - total)) {
      total += n;
    }
    if (total == 0) {
      response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
      return;
    }
    response.setStatus(HttpServletResponse.SC_NO_CONTENT);
  }
}
