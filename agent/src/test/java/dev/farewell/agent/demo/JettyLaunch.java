package dev.farewell.agent.demo;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Jetty 12 (ee10), embedded, with one WAR directory. */
final class JettyLaunch {

  private JettyLaunch() {}

  static void run(String war) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    WebAppContext context = new WebAppContext();
    context.setContextPath("/");
    context.setWar(war);
    server.setHandler(context);
    server.start();
    System.out.println("PORT " + connector.getLocalPort());
    server.join();
  }
}
