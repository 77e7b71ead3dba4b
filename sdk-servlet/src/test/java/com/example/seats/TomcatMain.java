package com.example.seats;

import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/** The example on embedded Tomcat 11. */
public final class TomcatMain {

  public static Tomcat start(int port, Seats seats) throws Exception {
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
    tomcat.setPort(port);
    tomcat.getConnector();   // creates the HTTP connector
    Context context = tomcat.addContext("", null);
    context.addServletContainerInitializer(new FarewellSetup(seats), null);   // runs as it starts
    Tomcat.addServlet(context, "login", new LoginServlet(seats)).addMapping("/login");
    Tomcat.addServlet(context, "app", new AppServlet()).addMapping("/app");
    Tomcat.addServlet(context, "logout", new LogoutServlet()).addMapping("/logout");
    tomcat.start();
    return tomcat;
  }

  public static void main(String[] args) throws Exception {
    start(8080, new Seats(2)).getServer().await();
  }
}
