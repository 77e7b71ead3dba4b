package com.example.seats;

import java.net.URI;
import org.eclipse.jetty.server.Server;

class GettingStartedJettyTest extends GettingStartedContract {
  private Server server;

  @Override
  URI start(Seats seats) throws Exception {
    server = JettyMain.start(0, seats);
    return URI.create("http://127.0.0.1:" + server.getURI().getPort() + "/");
  }

  @Override
  void stop() throws Exception {
    server.stop();
  }
}
