package dev.farewell.agent;

import dev.farewell.agent.demo.DemoApp;
import dev.farewell.agent.demo.Launch;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.Remapper;

/**
 * The demo WAR (no Farewell code) in a real container, in a JVM of its own: with the drop-in jars
 * in {@code WEB-INF/lib} and the settings in {@code web.xml}, or with nothing in the WAR and only
 * {@code -javaagent:farewell-agent.jar=...} with the same settings as its arguments. The settings:
 * the exit grace, the {@code user} session attribute, no tag on {@code /login} and {@code
 * /count}, and a logout URL with the user.
 */
final class DemoDeployment implements AutoCloseable {

  private static final String SECRET = "an agent test secret of at least 32 bytes";

  /** The containers of the tests, each with its jars in {@code target/containers/NAME}. */
  enum Container {
    TOMCAT9("tomcat9", "tomcat", true),
    TOMCAT10("tomcat10", "tomcat", false),
    TOMCAT11("tomcat11", "tomcat", false),
    JETTY10("jetty10", "jetty10", true),
    JETTY12("jetty12", "jetty", false);

    final String directory;
    final String launcher;
    final boolean javax;

    Container(String directory, String launcher, boolean javax) {
      this.directory = directory;
      this.launcher = launcher;
      this.javax = javax;
    }

    @Override
    public String toString() {
      return directory;
    }
  }

  /** How Farewell comes into the application. */
  enum Way {
    DROP_IN("drop-in jars"),
    AGENT("-javaagent");

    private final String label;

    Way(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  private final Process process;
  private final URI base;

  private DemoDeployment(Process process, URI base) {
    this.process = process;
    this.base = base;
  }

  /**
   * Starts {@code container} with the demo WAR, Farewell added {@code way}, on the JDK at {@code
   * javaHome} with {@code jvmOptions}, and waits until it listens.
   */
  static DemoDeployment start(Container container, Way way, Path javaHome,
      List<String> jvmOptions, Duration exitGrace, String logoutUrl) throws Exception {
    String grace = exitGrace.toMillis() + "ms";
    Path dir = Files.createTempDirectory("farewell-" + container);
    String settings = way == Way.AGENT ? "" : """
        <context-param><param-name>farewell.secret</param-name><param-value>%s</param-value></context-param>
        <context-param><param-name>farewell.exitGrace</param-name><param-value>%s</param-value></context-param>
        <context-param><param-name>farewell.sessionAttributes</param-name><param-value>user</param-value></context-param>
        <context-param><param-name>farewell.injectExclude</param-name><param-value>/login,/count</param-value></context-param>
        <context-param><param-name>farewell.logoutUrl</param-name><param-value>%s</param-value></context-param>
        """.formatted(SECRET, grace, logoutUrl.replace("&", "&amp;"));
    Path war = war(dir.resolve("war"), container.javax, settings, way == Way.DROP_IN);
    List<String> command = new ArrayList<>();
    command.add(javaHome.resolve("bin/java").toString());
    command.addAll(jvmOptions);
    if (way == Way.AGENT) {
      Path secretFile = Files.writeString(dir.resolve("secret"), SECRET + "\n");
      command.add("-javaagent:" + System.getProperty("farewell.agent.jar")
          + "=secret-file=" + secretFile + ",exit-grace=" + grace + ",session-attributes=user"
          + ",inject-exclude=/login,/count,logout-url=" + logoutUrl);
    }
    command.addAll(List.of("-cp", classPath(container), Launch.class.getName(),
        container.launcher, war.toString(), dir.resolve("base").toString()));
    Path log = dir.resolve("container.log");
    Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
    try {
      return new DemoDeployment(process, awaitPort(process, log));
    } catch (Exception | AssertionError e) {
      stop(process);
      throw e;
    }
  }

  /** Where the demo application answers: {@code http://127.0.0.1:PORT}. */
  URI base() {
    return base;
  }

  @Override
  public void close() {
    stop(process);
  }

  private static void stop(Process process) {
    process.destroy();
    try {
      if (process.waitFor(10, TimeUnit.SECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroyForcibly();
  }

  /** Reads the launcher's {@code PORT n} line, then drains its output. */
  private static URI awaitPort(Process process, Path log) throws IOException {
    BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("PORT ")) {
        Thread drain = new Thread(() -> {
          try {
            out.transferTo(Writer.nullWriter());
          } catch (IOException ignored) {
            // the container is gone
          }
        });
        drain.setDaemon(true);
        drain.start();
        return URI.create("http://127.0.0.1:" + line.substring(5).trim());
      }
    }
    throw new AssertionError("the container did not start: " + Files.readString(log));
  }

  /** The demo WAR: web.xml, the demo classes (javax or jakarta), the drop-in jars or none. */
  private static Path war(Path war, boolean javax, String settings, boolean dropIn)
      throws IOException {
    Path classes = Files.createDirectories(war.resolve("WEB-INF/classes"));
    Path source = Path.of(DemoApp.class.getProtectionDomain().getCodeSource().getLocation()
        .getPath());
    String packagePath = DemoApp.class.getPackageName().replace('.', '/');
    Path target = Files.createDirectories(classes.resolve(packagePath));
    try (Stream<Path> files = Files.list(source.resolve(packagePath))) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("DemoApp"))
          .toList()) {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(target.resolve(file.getFileName()), javax ? toJavax(bytes) : bytes);
      }
    }
    String app = DemoApp.class.getName();
    Files.writeString(war.resolve("WEB-INF/web.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <web-app xmlns="%s" version="%s">
          %s
          <listener><listener-class>%s$Seats</listener-class></listener>
          <servlet><servlet-name>login</servlet-name><servlet-class>%s$Login</servlet-class></servlet>
          <servlet><servlet-name>page</servlet-name><servlet-class>%s$Page</servlet-class></servlet>
          <servlet><servlet-name>logout</servlet-name><servlet-class>%s$Logout</servlet-class></servlet>
          <servlet><servlet-name>count</servlet-name><servlet-class>%s$Count</servlet-class></servlet>
          <servlet-mapping><servlet-name>login</servlet-name><url-pattern>/login</url-pattern></servlet-mapping>
          <servlet-mapping><servlet-name>page</servlet-name><url-pattern>/home</url-pattern><url-pattern>/other</url-pattern></servlet-mapping>
          <servlet-mapping><servlet-name>logout</servlet-name><url-pattern>/logout</url-pattern></servlet-mapping>
          <servlet-mapping><servlet-name>count</servlet-name><url-pattern>/count</url-pattern></servlet-mapping>
        </web-app>
        """.formatted(javax ? "http://xmlns.jcp.org/xml/ns/javaee" : "https://jakarta.ee/xml/ns/jakartaee",
        javax ? "4.0" : "6.0", settings, app, app, app, app, app));
    if (dropIn) {
      copyDropInJars(Files.createDirectories(war.resolve("WEB-INF/lib")), javax);
    }
    return war;
  }

  /** The drop-in's jars: those the agent carries (META-INF/farewell/lib), less one adapter. */
  private static void copyDropInJars(Path lib, boolean javax) throws IOException {
    String other = javax ? Libraries.JAKARTA : Libraries.JAVAX;
    try (JarFile agent = new JarFile(System.getProperty("farewell.agent.jar"))) {
      for (JarEntry entry : Collections.list(agent.entries())) {
        String name = entry.getName();
        if (name.startsWith(Libraries.PREFIX) && name.endsWith(".jar")
            && !name.endsWith("/" + other)) {
          try (InputStream in = agent.getInputStream(entry)) {
            Files.copy(in, lib.resolve(name.substring(name.lastIndexOf('/') + 1)));
          }
        }
      }
    }
  }

  /** The class rewritten from jakarta.servlet to javax.servlet, as the build does for the adapter. */
  private static byte[] toJavax(byte[] bytes) {
    ClassReader reader = new ClassReader(bytes);
    ClassWriter writer = new ClassWriter(0);
    reader.accept(new ClassRemapper(writer, new Remapper() {
      @Override
      public String map(String name) {
        return name.startsWith("jakarta/servlet/") ? "javax/" + name.substring(8) : name;
      }
    }), 0);
    return writer.toByteArray();
  }

  /** The container's jars and the launcher (the test classes, without the demo's being used). */
  private static String classPath(Container container) throws IOException {
    List<String> entries = new ArrayList<>();
    entries.add(Path.of(Launch.class.getProtectionDomain().getCodeSource().getLocation().getPath())
        .toString());
    try (Stream<Path> jars = Files.list(
        Path.of(System.getProperty("farewell.containers"), container.directory))) {
      jars.map(Path::toString).sorted().forEach(entries::add);
    }
    return String.join(File.pathSeparator, entries);
  }
}
