package dev.farewell.agent.demo;

/**
 * Starts one container with one WAR directory, in a JVM of its own, and prints {@code PORT n}:
 * {@code Launch tomcat|jetty|jetty10 WAR BASE}. Compiled against Tomcat 11, it runs Tomcat 9 and
 * 10.1 (the embedded API it calls is the same); each container's code is in a class of its own, so
 * that only that container's jars are needed.
 */
public final class Launch {

  private Launch() {}

  public static void main(String[] arguments) throws Exception {
    if (arguments[0].equals("tomcat")) {
      TomcatLaunch.run(arguments[1], arguments[2]);
    } else if (arguments[0].equals("jetty10")) {
      Jetty10Launch.run(arguments[1]);
    } else {
      JettyLaunch.run(arguments[1]);
    }
  }
}
