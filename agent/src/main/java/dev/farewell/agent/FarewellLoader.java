package dev.farewell.agent;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Enumeration;

/**
 * Loads Farewell for the web applications of one servlet API: its parent is the class loader that
 * defined the container's servlet API ({@code jakarta.servlet} or {@code javax.servlet}), so
 * Farewell's filter, servlet and listeners are the container's types; everything else (Farewell,
 * Caffeine, OkHttp, SLF4J) is taken from its own jars first, so that the container's or an
 * application's copies of those libraries never meet Farewell's.
 */
final class FarewellLoader extends URLClassLoader {

  static {
    registerAsParallelCapable();
  }

  private final String servletPackage;

  FarewellLoader(URL[] jars, ClassLoader servletApi, String namespace) {
    super("farewell-agent-" + namespace, jars, servletApi);
    this.servletPackage = namespace + ".servlet.";
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> loaded = findLoadedClass(name);
      if (loaded == null) {
        if (name.startsWith("java.") || name.startsWith(servletPackage)) {
          loaded = super.loadClass(name, false);
        } else {
          try {
            loaded = findClass(name);
          } catch (ClassNotFoundException notOurs) {
            loaded = super.loadClass(name, false);
          }
        }
      }
      if (resolve) {
        resolveClass(loaded);
      }
      return loaded;
    }
  }

  @Override
  public URL getResource(String name) {
    URL own = findResource(name);
    return own != null ? own : super.getResource(name);
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    // Service files name classes: those of the parent would be loaded here as other types.
    return name.startsWith("META-INF/services/") ? findResources(name) : super.getResources(name);
  }
}
