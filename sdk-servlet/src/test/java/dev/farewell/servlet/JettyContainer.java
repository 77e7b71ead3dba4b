package dev.farewell.servlet;

import jakarta.servlet.ServletContainerInitializer;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Embedded Jetty 12 (ee10). */
final class JettyContainer implements ServletContainer {
  private Server server;

  @Override
  public URI start(ServletContainerInitializer initializer) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.setContextPath("/");
    context.addServletContainerInitializer(initializer);
    server.setHandler(context);
    server.start();
    return URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @Override
  public void close() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  @Override
  public String toString() {
    return "Jetty";
  }
}
