package com.example.seats;

import java.net.URI;
import org.apache.catalina.startup.Tomcat;

class GettingStartedTomcatTest extends GettingStartedContract {
  private Tomcat tomcat;

  @Override
  URI start(Seats seats) throws Exception {
    tomcat = TomcatMain.start(0, seats);
    return URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/");
  }

  @Override
  void stop() throws Exception {
    tomcat.stop();
    tomcat.destroy();
  }
}
