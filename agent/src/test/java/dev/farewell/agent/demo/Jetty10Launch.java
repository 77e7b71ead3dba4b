package dev.farewell.agent.demo;

/**
 * Jetty 10 (javax.servlet, Servlet 4), embedded, with one WAR directory. Called by reflection: the
 * test classes are compiled against Jetty 12, whose classes share Jetty 10's names.
 */
final class Jetty10Launch {

  private Jetty10Launch() {}

  static void run(String war) throws Exception {
    Class<?> serverType = Class.forName("org.eclipse.jetty.server.Server");
    Class<?> connectorType = Class.forName("org.eclipse.jetty.server.ServerConnector");
    Class<?> handlerType = Class.forName("org.eclipse.jetty.server.Handler");
    Class<?> contextType = Class.forName("org.eclipse.jetty.webapp.WebAppContext");
    Object server = serverType.getConstructor().newInstance();
    Object connector = connectorType.getConstructor(serverType).newInstance(server);
    connectorType.getMethod("setHost", String.class).invoke(connector, "127.0.0.1");
    serverType.getMethod("addConnector", Class.forName("org.eclipse.jetty.server.Connector"))
        .invoke(server, connector);
    Object context = contextType.getConstructor().newInstance();
    contextType.getMethod("setContextPath", String.class).invoke(context, "/");
    contextType.getMethod("setWar", String.class).invoke(context, war);
    serverType.getMethod("setHandler", handlerType).invoke(server, context);
    serverType.getMethod("start").invoke(server);
    System.out.println("PORT " + connectorType.getMethod("getLocalPort").invoke(connector));
    serverType.getMethod("join").invoke(server);
  }
}
