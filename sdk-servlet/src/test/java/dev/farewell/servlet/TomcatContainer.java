package dev.farewell.servlet;

import jakarta.servlet.ServletContainerInitializer;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/** Embedded Tomcat 11. */
final class TomcatContainer implements ServletContainer {
  private Tomcat tomcat;

  @Override
  public URI start(ServletContainerInitializer initializer) throws Exception {
    File base = Files.createTempDirectory("farewell-tomcat").toFile();
    return start(base.toPath(), context -> context.addServletContainerInitializer(initializer, null));
  }

  /** Starts an application whose files are in {@code docBase}, set up by {@code setup}. */
  URI start(Path docBase, Consumer<Context> setup) throws Exception {
    tomcat = new Tomcat();
    tomcat.setBaseDir(docBase.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    setup.accept(tomcat.addContext("", docBase.toString()));
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
