package dev.farewell.agent.demo;

import java.io.File;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;

/** Tomcat 9, 10.1 or 11, embedded, with one WAR directory. */
final class TomcatLaunch {

  private TomcatLaunch() {}

  static void run(String war, String base) throws Exception {
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base);
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addWebapp("", new File(war).getAbsolutePath());
    ((StandardJarScanner) context.getJarScanner()).setScanClassPath(false);
    tomcat.start();
    System.out.println("PORT " + connector.getLocalPort());
    tomcat.getServer().await();
  }
}
