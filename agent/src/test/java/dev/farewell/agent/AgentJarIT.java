package dev.farewell.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import net.bytebuddy.jar.asm.ClassReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent jar's shaded Byte Buddy, including its bridge to the JDK's class-file API (the classes
 * a JDK 24 or newer takes from {@code META-INF/versions/24}): every class is where its name says
 * and none refers to {@code net.bytebuddy}, the application's copy. {@code ContainersIT} runs the
 * bridge on such a JDK when there is one; here, such a JDK starts the agent without a warning.
 */
class AgentJarIT {

  @Test
  void aJdk24OrNewerStartsTheAgentWithoutAWarning(@TempDir Path dir) throws Exception {
    Path java = Jdk.NEWER_WITH_CLASS_FILE_API.home().resolve("bin/java");
    Path main = Files.writeString(dir.resolve("Main.java"),
        "class Main { public static void main(String[] a) { System.out.println(\"started\"); } }");
    Process process = new ProcessBuilder(java.toString(),
        "-javaagent:" + System.getProperty("farewell.agent.jar") + "=exit-grace=3s",
        main.toString()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output).contains("started", "INFO: farewell-agent").doesNotContain("WARNING");
  }

  @Test
  void byteBuddyIsRelocatedWithItsJava24ClassesEachWhereItsNameSays() throws Exception {
    List<String> misplaced = new ArrayList<>();
    List<String> unrelocated = new ArrayList<>();
    List<String> bridge = new ArrayList<>();
    try (JarFile agent = new JarFile(System.getProperty("farewell.agent.jar"))) {
      for (JarEntry entry : Collections.list(agent.entries())) {
        String path = entry.getName();
        if (!path.endsWith(".class") || path.endsWith("module-info.class")) {
          continue;
        }
        String inRelease = path.replaceFirst("^META-INF/versions/\\d+/", "");
        if (!inRelease.equals(path)) {
          bridge.add(inRelease);
        }
        try (InputStream in = agent.getInputStream(entry)) {
          byte[] bytes = in.readAllBytes();
          if (!new ClassReader(bytes).getClassName().equals(inRelease.replace(".class", ""))) {
            misplaced.add(path);
          }
          // class names in the constant pool are plain UTF-8
          if (new String(bytes, StandardCharsets.ISO_8859_1)
              .contains("net/bytebuddy/")) {
            unrelocated.add(path);
          }
        }
      }
    }

    assertThat(bridge).as("Byte Buddy's Java 24 classes")
        .contains("dev/farewell/agent/shaded/bytebuddy/jar/asmjdkbridge/JdkClassReader.class")
        .allMatch(name -> name.startsWith("dev/farewell/agent/shaded/bytebuddy/"));
    assertThat(misplaced).as("classes not at the path of their name").isEmpty();
    assertThat(unrelocated).as("classes that refer to net/bytebuddy").isEmpty();
  }
}
