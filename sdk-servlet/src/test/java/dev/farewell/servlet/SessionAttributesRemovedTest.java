package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code farewell.sessionAttributes}: "HttpSession attributes copied into the release's attributes
 * when a page gets the tag". An attribute the application removed (its own SSO logout, keeping
 * the HttpSession) is still handed to the logout call at the next EXIT.
 */
class SessionAttributesRemovedTest {

  private final OkHttpClient http =
      new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();
  private Server server;

  private URI start(Map<String, String> contextParameters) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    contextParameters.forEach(context::setInitParameter);
    context.addServletContainerInitializer(new FarewellInitializer());
    context.addServlet(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest request, HttpServletResponse response)
          throws IOException {
        response.setContentType("text/html;charset=utf-8");
        response.getWriter().print("<html><head><title>app</title></head><body></body></html>");
      }
    }, "/html/*");
    context.addServlet(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest request, HttpServletResponse response) {
        request.getSession(true).setAttribute("ticket", request.getParameter("ticket"));
      }
    }, "/ticket");
    server.setHandler(context);
    server.start();
    return URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Test
  void aTicketTheApplicationRemovedIsNotLoggedOutAgainAtExit() throws Exception {
    try (MockWebServer sso = new MockWebServer()) {
      sso.start();
      Browser browser = new Browser(start(Map.of(
          "farewell.secret", DropInTest.SECRET,
          "farewell.exitGrace", "300ms",
          "farewell.sessionAttributes", "ticket",
          "farewell.logoutUrl", sso.url("/logout").toString() + "?ticket=${attributes.ticket}")),
          http);
      browser.get("/ticket?ticket=ST-1", Map.of());
      browser.get("/html/home", Map.of());
      browser.get("/ticket", Map.of()); // the application's own SSO logout: ticket removed
      String html = browser.get("/html/home", Map.of()).body();
      String token = html.replaceAll("(?s).*data-token=\"([^\"]+)\".*", "$1");
      String page = UUID.randomUUID().toString();

      assertThat(browser.beacon(BeaconEndpointContract.message("open", token, page, 1, false))
          .code()).isEqualTo(200);
      assertThat(browser.beacon(BeaconEndpointContract.message("exit", token, page, 2, null))
          .code()).isEqualTo(200);

      RecordedRequest logout = sso.takeRequest(3, TimeUnit.SECONDS);
      assertThat(logout == null ? null : logout.getTarget())
          .as("the SSO call at exit, after the ticket was removed from the HttpSession")
          .isNull();
    }
  }
}
