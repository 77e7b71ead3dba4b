package dev.farewell.agent;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The jars of Farewell inside the agent jar ({@code META-INF/farewell/lib/}), copied to a
 * temporary folder at start, since a class loader cannot read a jar inside a jar. The copies are
 * removed when the JVM exits.
 */
final class Libraries {

  static final String PREFIX = "META-INF/farewell/lib/";

  /** The jar of each namespace's adapter; every other jar serves both. */
  static final String JAKARTA = "farewell-servlet.jar";
  static final String JAVAX = "farewell-servlet-javax.jar";

  private final List<Path> jars;

  private Libraries(List<Path> jars) {
    this.jars = List.copyOf(jars);
  }

  static Libraries extract() throws IOException {
    URL location = Libraries.class.getProtectionDomain().getCodeSource().getLocation();
    Path agentJar;
    try {
      agentJar = Path.of(location.toURI());
    } catch (URISyntaxException e) {
      throw new IOException("cannot locate the agent jar at " + location, e);
    }
    Path folder = Files.createTempDirectory("farewell-agent-");
    folder.toFile().deleteOnExit();
    List<Path> jars = new ArrayList<>();
    try (JarFile jar = new JarFile(agentJar.toFile())) {
      for (JarEntry entry : Collections.list(jar.entries())) {
        String name = entry.getName();
        if (name.startsWith(PREFIX) && name.endsWith(".jar") && !entry.isDirectory()) {
          Path target = folder.resolve(name.substring(PREFIX.length()));
          try (InputStream in = jar.getInputStream(entry)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          }
          target.toFile().deleteOnExit();
          jars.add(target);
        }
      }
    }
    for (String needed : List.of(JAKARTA, JAVAX)) {
      if (jars.stream().noneMatch(p -> p.getFileName().toString().equals(needed))) {
        throw new IOException("the agent jar holds no " + PREFIX + needed);
      }
    }
    return new Libraries(jars);
  }

  /** The class path of Farewell for one servlet namespace ({@code jakarta} or {@code javax}). */
  URL[] classPath(String namespace) {
    String other = namespace.equals("javax") ? JAKARTA : JAVAX;
    List<URL> urls = new ArrayList<>();
    for (Path jar : jars) {
      if (!jar.getFileName().toString().equals(other)) {
        try {
          urls.add(jar.toUri().toURL());
        } catch (MalformedURLException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return urls.toArray(URL[]::new);
  }
}
