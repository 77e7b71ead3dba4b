package dev.farewell.servlet;

import jakarta.servlet.ServletContainerInitializer;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/** Embedded Tomcat 11. */
final class TomcatContainer implements ServletContainer {
  private Tomcat tomcat;

  @Override
  public URI start(ServletContainerInitializer initializer) throws Exception {
    File base = Files.createTempDirectory("farewell-tomcat").toFile();
    tomcat = new Tomcat();
    tomcat.setBaseDir(base.getAbsolutePath());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", base.getAbsolutePath());
    context.addServletContainerInitializer(initializer, null);
    tomcat.start();
    return URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @Override
  public void close() throws Exception {
    if (tomcat != null) {
      tomcat.stop();
      tomcat.destroy();
    }
  }

  @Override
  public String toString() {
    return "Tomcat";
  }
}
