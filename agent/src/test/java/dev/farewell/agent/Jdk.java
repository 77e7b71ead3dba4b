package dev.farewell.agent;

import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The JDK a container of the tests runs on. */
enum Jdk {

  /** The JDK that runs the tests. */
  THIS(""),

  /**
   * A JDK 24 or newer, with the agent's Byte Buddy made to read and write classes only through
   * the JDK's class-file API (its classes under {@code META-INF/versions/24}), as it does by
   * itself with a class file too new for its ASM. The property's name is relocated with Byte
   * Buddy.
   */
  NEWER_WITH_CLASS_FILE_API(", JDK 24+ through the class-file API",
      "-Ddev.farewell.agent.shaded.bytebuddy.processor=CLASS_FILE_API_ONLY");

  private static final int NEWER = 24;
  private static final Pattern VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

  private final String label;
  private final List<String> options;

  Jdk(String label, String... options) {
    this.label = label;
    this.options = List.of(options);
  }

  /** Where the JDK is; skips the calling test when there is no JDK 24 or newer. */
  Path home() throws IOException {
    if (this == THIS) {
      return Path.of(System.getProperty("java.home"));
    }
    return newer().orElseGet(() -> {
      abort("No JDK " + NEWER + " or newer (looked at $FAREWELL_NEWER_JDK and /usr/lib/jvm)");
      throw new AssertionError("unreachable");
    });
  }

  /** The container JVM's options. */
  List<String> options() {
    return options;
  }

  @Override
  public String toString() {
    return label;
  }

  /** {@code FAREWELL_NEWER_JDK}, or the newest JDK of at least {@link #NEWER} in /usr/lib/jvm. */
  private static Optional<Path> newer() throws IOException {
    String given = System.getenv("FAREWELL_NEWER_JDK");
    if (given != null && !given.isBlank()) {
      return Optional.of(Path.of(given));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> homes = Files.list(jvms)) {
      return homes
          .filter(home -> major(home) >= NEWER && Files.isExecutable(home.resolve("bin/java")))
          .max(Comparator.comparingInt(Jdk::major));
    }
  }

  /** The feature version in the JDK's {@code release} file, 0 if there is none. */
  private static int major(Path home) {
    try {
      Matcher version = VERSION.matcher(Files.readString(home.resolve("release")));
      return version.find() ? Integer.parseInt(version.group(1)) : 0;
    } catch (IOException e) {
      return 0;
    }
  }
}
