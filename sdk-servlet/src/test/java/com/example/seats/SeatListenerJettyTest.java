package com.example.seats;

import dev.farewell.Farewell;
import dev.farewell.beacon.PageTokens;
import dev.farewell.servlet.FarewellServlet;
import dev.farewell.servlet.HttpSessionBridge;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;

/**
 * The guide's second way to free the seat: no release callback, only {@code invalidateOnRelease}
 * and the application's own {@link SeatListener}; the same behaviour as the first way.
 */
class SeatListenerJettyTest extends GettingStartedContract {
  private Server server;
  private Farewell farewell;

  @Override
  URI start(Seats seats) throws Exception {
    server = new Server(0);
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.addServletContainerInitializer((classes, servletContext) -> {
      HttpSessionBridge httpSessions = HttpSessionBridge.create();
      farewell = Farewell.newBuilder()
          .releaseAction(httpSessions.invalidateOnRelease())
          .build();
      FarewellServlet.newBuilder(farewell)
          .pageTokens(PageTokens.newBuilder()
              .secret(System.getenv("FAREWELL_TOKEN_SECRET").getBytes(StandardCharsets.UTF_8))
              .build())
          .httpSessionBridge(httpSessions)
          .build()
          .register(servletContext);
      servletContext.addListener(new SeatListener(seats));
    });
    context.addServlet(new LoginServlet(seats), "/login");
    context.addServlet(new AppServlet(), "/app");
    context.addServlet(new LogoutServlet(), "/logout");
    server.setHandler(context);
    server.start();
    return URI.create("http://127.0.0.1:" + server.getURI().getPort() + "/");
  }

  @Override
  void stop() throws Exception {
    server.stop();
    farewell.close();
  }
}
