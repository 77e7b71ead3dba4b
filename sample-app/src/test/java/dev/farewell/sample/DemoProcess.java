package dev.farewell.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The demo in a JVM of its own, started as a user would start it, from {@link Main}. */
final class DemoProcess implements AutoCloseable {

  private static final String READY = "Farewell demo: ";

  private final Process process;
  private final URI uri;
  private final StringBuilder output;

  private DemoProcess(Process process, URI uri, StringBuilder output) {
    this.process = process;
    this.uri = uri;
    this.output = output;
  }

  /** Starts {@code java dev.farewell.sample.Main args} and waits until it prints its URL. */
  static DemoProcess start(List<String> args) {
    String classPath = System.getProperty("surefire.test.class.path");
    if (classPath == null || classPath.isBlank()) {
      classPath = System.getProperty("java.class.path");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(classPath);
    command.add(Main.class.getName());
    command.addAll(args);
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder output = new StringBuilder();
    CompletableFuture<URI> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  synchronized (output) {
                    output.append(line).append('\n');
                  }
                  if (line.startsWith(READY)) {
                    ready.complete(URI.create(line.substring(READY.length()).split(" ")[0]));
                  }
                }
              } catch (IOException e) {
                // The process ended.
              }
              ready.completeExceptionally(new IllegalStateException("the demo exited"));
            },
            "demo-process-output");
    reader.setDaemon(true);
    reader.start();
    try {
      URI uri = ready.get(90, TimeUnit.SECONDS);
      return new DemoProcess(process, uri, output);
    } catch (Exception e) {
      process.destroyForcibly();
      synchronized (output) {
        throw new IllegalStateException("the demo did not start: " + e + "\n" + output, e);
      }
    }
  }

  URI uri() {
    return uri;
  }

  String output() {
    synchronized (output) {
      return output.toString();
    }
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
  }
}
