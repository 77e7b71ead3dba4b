package dev.farewell.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the browser launchers share: finding an executable, killing a process tree, cleaning up. */
final class BrowserProcesses {

  private BrowserProcesses() {}

  /**
   * The executable named by the environment variable {@code variable} if set, else the first of
   * {@code paths} that exists, else the first of {@code names} on the {@code PATH}.
   */
  static Optional<Path> locate(String variable, List<Path> paths, List<String> names) {
    String configured = System.getenv(variable);
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
    for (Path path : paths) {
      if (Files.isExecutable(path)) {
        return Optional.of(path);
      }
    }
    String pathVariable = System.getenv("PATH");
    if (pathVariable != null) {
      for (String dir : pathVariable.split(File.pathSeparator)) {
        for (String name : names) {
          Path candidate = Path.of(dir, name);
          if (Files.isExecutable(candidate)) {
            return Optional.of(candidate);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Kills {@code process} and every process it started with SIGKILL, and waits for it. */
  static void killTree(Process process) {
    List<ProcessHandle> all = new ArrayList<>();
    process.toHandle().descendants().forEach(all::add);
    process.destroyForcibly();
    all.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The end of a log file, for error messages. */
  static String tail(Path log) {
    try {
      String text = Files.readString(log);
      return text.length() <= 2000 ? text : text.substring(text.length() - 2000);
    } catch (IOException e) {
      return "(no log)";
    }
  }

  static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // A leftover temporary directory does no harm.
    }
  }
}
