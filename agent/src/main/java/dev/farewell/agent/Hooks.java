package dev.farewell.agent;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the advice calls when a container starts a web application: it adds an initializer of the
 * container's own {@code ServletContainerInitializer} type (a proxy, so one agent serves both
 * {@code javax} and {@code jakarta}) which, when the container runs it, hands the context to
 * Farewell's {@code FarewellInitializer} loaded by a {@link FarewellLoader}, with the agent's
 * settings. Public only for the advice, which finds it by name; not an API.
 */
public final class Hooks {

  static final Logger logger = Logger.getLogger("dev.farewell.agent");
  private static final Set<String> warned = ConcurrentHashMap.newKeySet();

  /** The context attribute the drop-in reads the agent's settings from. */
  private static final String SETTINGS_ATTRIBUTE = "dev.farewell.agent.settings";

  private static volatile AgentSettings settings;
  private static volatile Libraries libraries;

  /** One loader per servlet API class loader (usually one per JVM). */
  private static final Map<ClassLoader, FarewellLoader> loaders =
      Collections.synchronizedMap(new WeakHashMap<>());
  /** Jetty handlers given our initializer (a constructor chain calls once per constructor). */
  private static final Set<Object> equipped =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private Hooks() {}

  static void install(AgentSettings agentSettings, Libraries jars) {
    settings = agentSettings;
    libraries = jars;
    if (agentSettings.hasSecret(System::getenv)) {
      logger.info("farewell-agent: Farewell will be added to the web applications of this JVM "
          + agentSettings);
    } else {
      logger.info("farewell-agent: no farewell.secret (argument secret or secret-file,"
          + " FAREWELL_SECRET, -Dfarewell.secret): only applications with a farewell.secret"
          + " context parameter get Farewell");
    }
  }

  /** Tomcat 9/10/11: {@code StandardContext.startInternal} is starting. */
  public static void tomcatContextStarting(Object context) {
    try {
      if (libraries == null) {
        return;
      }
      Class<?> initializerType = initializerType(context.getClass().getClassLoader());
      Method add = context.getClass()
          .getMethod("addServletContainerInitializer", initializerType, Set.class);
      add.invoke(context, initializer(initializerType), null);
    } catch (Throwable e) {
      warnOnce("tomcat", "farewell-agent cannot hook into this Tomcat; it is left alone", e);
    }
  }

  /** Jetty 12: a {@code ServletContextHandler} was made (each constructor of a chain calls). */
  public static void jettyContextStarting(Object handler) {
    try {
      if (libraries == null || !equipped.add(handler)) {
        return;
      }
      Class<?> initializerType = initializerType(handler.getClass().getClassLoader());
      Method add = handler.getClass()
          .getMethod("addServletContainerInitializer", initializerType);
      add.invoke(handler, initializer(initializerType));
    } catch (Throwable e) {
      warnOnce("jetty", "farewell-agent cannot hook into this Jetty; it is left alone", e);
    }
  }

  /** The container's {@code ServletContainerInitializer}: jakarta's, else javax's. */
  private static Class<?> initializerType(ClassLoader container) throws ClassNotFoundException {
    try {
      return Class.forName("jakarta.servlet.ServletContainerInitializer", false, container);
    } catch (ClassNotFoundException notJakarta) {
      return Class.forName("javax.servlet.ServletContainerInitializer", false, container);
    }
  }

  private static Object initializer(Class<?> initializerType) throws ReflectiveOperationException {
    String namespace = initializerType.getName().substring(0, initializerType.getName().indexOf('.'));
    ClassLoader api = initializerType.getClassLoader();
    FarewellLoader loader = loaders.computeIfAbsent(api,
        parent -> new FarewellLoader(libraries.classPath(namespace), parent, namespace));
    Object farewell = loader.loadClass("dev.farewell.servlet.FarewellInitializer")
        .getConstructor().newInstance();
    Class<?> contextType = Class.forName(namespace + ".servlet.ServletContext", false, api);
    Method onStartup = initializerType.getMethod("onStartup", Set.class, contextType);
    InvocationHandler handler = new AgentInitializer(farewell, onStartup, contextType);
    return Proxy.newProxyInstance(loader, new Class<?>[] {initializerType}, handler);
  }

  /** The proxy's behaviour: checks, the settings, then Farewell's initializer. */
  private record AgentInitializer(Object farewell, Method onStartup, Class<?> contextType)
      implements InvocationHandler {

    @Override
    public Object invoke(Object proxy, Method method, Object[] arguments) throws Throwable {
      switch (method.getName()) {
        case "hashCode":
          return System.identityHashCode(proxy);
        case "equals":
          return proxy == arguments[0];
        case "toString":
          return "farewell-agent initializer";
        case "onStartup":
          start(arguments[0], arguments[1]);
          return null;
        default:
          throw new UnsupportedOperationException(method.getName());
      }
    }

    private void start(Object classes, Object context) {
      String name = "?";
      try {
        name = (String) contextType.getMethod("getContextPath").invoke(context);
        name = name.isEmpty() ? "/" : name;
        ClassLoader application =
            (ClassLoader) contextType.getMethod("getClassLoader").invoke(context);
        if (application != null
            && application.getResource("dev/farewell/servlet/FarewellServlet.class") != null) {
          logger.info("farewell-agent leaves " + name + " alone: the application carries"
              + " Farewell itself");
          return;
        }
        Method setAttribute = contextType.getMethod("setAttribute", String.class, Object.class);
        setAttribute.invoke(context, SETTINGS_ATTRIBUTE, settings.asMap());
        try {
          onStartup.invoke(farewell, classes == null ? Set.of() : classes, context);
        } finally {
          contextType.getMethod("removeAttribute", String.class)
              .invoke(context, SETTINGS_ATTRIBUTE);
        }
      } catch (InvocationTargetException e) {
        warnOnce("start:" + name, "farewell-agent could not add Farewell to " + name
            + "; the application runs without it", e.getCause());
      } catch (Throwable e) {
        warnOnce("start:" + name, "farewell-agent could not add Farewell to " + name
            + "; the application runs without it", e);
      }
    }
  }

  /** Logs a problem once per key, at WARNING; never throws. */
  static void warnOnce(String key, String message, Throwable cause) {
    try {
      if (warned.add(key)) {
        logger.log(Level.WARNING, message + ": " + cause, cause);
      }
    } catch (Throwable ignored) {
      // Logging must not break the container either.
    }
  }
}
