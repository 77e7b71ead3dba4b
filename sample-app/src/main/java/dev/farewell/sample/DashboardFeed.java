package dev.farewell.sample;

import dev.farewell.SessionView;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /dashboard/events}: a Server-Sent Events stream that sends the whole picture (seats,
 * live sessions with their pages, the release log) twice a second to every open dashboard.
 */
final class DashboardFeed extends HttpServlet implements AutoCloseable {

  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(DashboardFeed.class);
  private static final int MAXIMUM_CLIENTS = 64;
  private static final int RELEASES_SHOWN = 50;

  private final transient Logins logins;
  private final transient LongSupplier ssoLogouts;
  private final transient Set<AsyncContext> clients = ConcurrentHashMap.newKeySet();
  private final transient ScheduledExecutorService timer;

  DashboardFeed(Logins logins, LongSupplier ssoLogouts) {
    this.logins = logins;
    this.ssoLogouts = ssoLogouts;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "farewell-sample-dashboard");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::broadcast, 500, 500, TimeUnit.MILLISECONDS);
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (clients.size() >= MAXIMUM_CLIENTS) {
      Json.error(response, 503, "too many dashboards open");
      return;
    }
    response.setStatus(200);
    response.setContentType("text/event-stream;charset=utf-8");
    response.setHeader("Cache-Control", "no-store");
    AsyncContext async = request.startAsync();
    async.setTimeout(0);
    response.getWriter().write("retry: 1000\n\n");
    response.flushBuffer();
    clients.add(async);
  }

  /** The JSON the dashboard draws. */
  String picture() {
    List<SessionView> sessions = logins.engine().snapshot();
    sessions.sort(Comparator.comparing(SessionView::trackedAt));
    List<ReleaseRecord> releases = logins.releaseLog().entries();
    List<ReleaseRecord> shown =
        releases.subList(Math.max(0, releases.size() - RELEASES_SHOWN), releases.size());
    Seats seats = logins.seats();
    return Json.of(
        json -> {
          json.writeStartObject();
          json.writeNumberField("now", System.currentTimeMillis());
          json.writeNumberField("seatsInUse", seats.inUse());
          json.writeNumberField("seats", seats.capacity());
          json.writeNumberField("ssoLogouts", ssoLogouts.getAsLong());
          json.writeFieldName("sessions");
          json.writeStartArray();
          for (SessionView s : sessions) {
            json.writeStartObject();
            json.writeStringField("sessionId", s.sessionKey());
            json.writeStringField("user", Json.user(s));
            json.writeStringField("state", s.state().name());
            json.writeNumberField("lastSignalAt", s.lastSignalAt().toEpochMilli());
            json.writeNumberField("deadline", s.deadline().toEpochMilli());
            json.writeFieldName("pages");
            Json.pages(json, s.pages());
            json.writeEndObject();
          }
          json.writeEndArray();
          json.writeFieldName("releases");
          Json.releases(json, shown);
          json.writeEndObject();
        });
  }

  private void broadcast() {
    if (clients.isEmpty()) {
      return;
    }
    String event;
    try {
      event = "data: " + picture() + "\n\n";
    } catch (RuntimeException e) {
      log.warn("Could not draw the dashboard", e);
      return;
    }
    for (AsyncContext client : clients) {
      try {
        PrintWriter out = client.getResponse().getWriter();
        out.write(event);
        out.flush();
        if (out.checkError()) {
          drop(client);
        }
      } catch (IOException | RuntimeException gone) {
        drop(client);
      }
    }
  }

  private void drop(AsyncContext client) {
    if (clients.remove(client)) {
      try {
        client.complete();
      } catch (RuntimeException ignored) {
        // Already completed by the container.
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    for (AsyncContext client : clients) {
      drop(client);
    }
  }
}
