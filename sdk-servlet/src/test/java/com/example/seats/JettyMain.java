package com.example.seats;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;

/** The example on embedded Jetty 12 (ee10). */
public final class JettyMain {

  public static Server start(int port, Seats seats) throws Exception {
    Server server = new Server(port);
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.addServletContainerInitializer(new FarewellSetup(seats));   // runs as it starts
    context.addServlet(new LoginServlet(seats), "/login");
    context.addServlet(new AppServlet(), "/app");
    context.addServlet(new LogoutServlet(), "/logout");
    server.setHandler(context);
    server.start();
    return server;
  }

  public static void main(String[] args) throws Exception {
    start(8080, new Seats(2)).join();
  }
}
