package dev.farewell.sample;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /legacy-sso/logout}: stands in for the logout API of an old single-sign-on server,
 * which the release action calls over HTTP for every release. It counts the tickets it ends.
 */
final class LegacySsoServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private final AtomicLong logouts = new AtomicLong();

  long logouts() {
    return logouts.get();
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String ticket = request.getParameter("ticket");
    if (ticket == null || ticket.isEmpty() || ticket.length() > 128) {
      Json.error(response, 400, "ticket missing or too long");
      return;
    }
    logouts.incrementAndGet();
    Json.send(
        response,
        200,
        json -> {
          json.writeStartObject();
          json.writeBooleanField("loggedOut", true);
          json.writeEndObject();
        });
  }
}
