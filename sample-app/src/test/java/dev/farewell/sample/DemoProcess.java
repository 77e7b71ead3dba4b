package dev.farewell.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo in a JVM of its own, started as a user would start it: from the shaded jar ({@code java
 * -jar}, as the README says) when the build hands its path over ({@code farewell.sample.jar}: the
 * integration tests, which run after it is built), else from {@link Main} on the test class path.
 * Its output goes to a file, read for the line that announces the URL.
 */
final class DemoProcess implements AutoCloseable {

  private static final String READY = "Farewell demo: http";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Process process;
  private final URI uri;
  private final Path log;

  private DemoProcess(Process process, URI uri, Path log) {
    this.process = process;
    this.uri = uri;
    this.log = log;
  }

  /** Whether {@link #start} runs the shaded jar. */
  static boolean fromJar() {
    String jar = System.getProperty("farewell.sample.jar");
    return jar != null && !jar.isBlank();
  }

  /**
   * Starts {@code java -jar farewell-sample-app.jar args} (or {@code java dev.farewell.sample.Main
   * args}, see the class comment) and waits until it prints its URL.
   */
  static DemoProcess start(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    if (fromJar()) {
      Path jar = Path.of(System.getProperty("farewell.sample.jar"));
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException("the shaded jar is not built: " + jar);
      }
      command.add("-jar");
      command.add(jar.toString());
    } else {
      String classPath = System.getProperty("surefire.test.class.path");
      if (classPath == null || classPath.isBlank()) {
        classPath = System.getProperty("java.class.path");
      }
      command.add("-cp");
      command.add(classPath);
      command.add(Main.class.getName());
    }
    command.addAll(args);
    Path log;
    Process process;
    try {
      log = Files.createTempFile("farewell-demo-", ".log");
      process =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Instant giveUp = Instant.now().plus(START_TIMEOUT);
    try {
      while (Instant.now().isBefore(giveUp) && process.isAlive()) {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
          if (line.startsWith(READY)) {
            String url = line.substring("Farewell demo: ".length()).split(" ")[0];
            return new DemoProcess(process, URI.create(url), log);
          }
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    } catch (IOException | InterruptedException e) {
      process.destroyForcibly();
      throw new IllegalStateException("could not watch the demo start", e);
    }
    process.destroyForcibly();
    throw new IllegalStateException("the demo did not start:\n" + read(log));
  }

  URI uri() {
    return uri;
  }

  String output() {
    return read(log);
  }

  /** Asks the demo to stop with SIGTERM, as a service manager would, and waits for it. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    try {
      terminate();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      // A leftover temporary file harms no one.
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }
}
