package dev.farewell.snippet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the snippet's JavaScript unit tests ({@code node --test}, against the source and the
 * minified build) so that {@code ./mvnw verify} covers them. Without Node.js 18 or newer the test
 * is skipped, unless FAREWELL_REQUIRE_NODE=1 (CI), where it fails.
 */
class NodeTestSuiteTest {

  private static final Pattern SUMMARY = Pattern.compile("^[#ℹ] (tests|pass|fail) (\\d+)\\s*$", Pattern.MULTILINE);
  private static final long TIMEOUT_SECONDS = 300;

  @Test
  void theSnippetsNodeTestsPassAgainstSourceAndMinifiedBuild() throws Exception {
    String node = nodeOrSkip();
    Path dir = Path.of(System.getProperty("farewell.snippet.dir", ".")).toAbsolutePath();
    assertThat(dir.resolve("tests")).isDirectory();

    Path log = Files.createTempFile("farewell-node-test", ".log");
    try {
      Process process = new ProcessBuilder(node, "--test")
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("node --test did not finish in " + TIMEOUT_SECONDS + " s; output so far:%n%s", Files.readString(log));
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      System.out.println(output);

      int tests = summary(output, "tests");
      int pass = summary(output, "pass");
      int failed = summary(output, "fail");
      assertThat(process.exitValue()).as("node --test exit code; output:%n%s", output).isZero();
      assertThat(failed).as("failed node tests; output:%n%s", output).isZero();
      assertThat(tests).as("node tests run").isGreaterThan(100);
      assertThat(pass).isEqualTo(tests);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static int summary(String output, String name) {
    Matcher m = SUMMARY.matcher(output);
    Integer last = null;
    while (m.find()) {
      if (m.group(1).equals(name)) {
        last = Integer.parseInt(m.group(2));
      }
    }
    if (last == null) {
      fail("no '%s' count in the summary of node --test; output:%n%s", name, output);
    }
    return last;
  }

  /** Returns the node command, or skips (fails when FAREWELL_REQUIRE_NODE=1) without Node 18+. */
  private static String nodeOrSkip() throws InterruptedException {
    boolean required = "1".equals(System.getenv("FAREWELL_REQUIRE_NODE"));
    String version;
    try {
      Process process = new ProcessBuilder(List.of("node", "--version")).redirectErrorStream(true).start();
      version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        version = null;
      }
    } catch (IOException e) {
      version = null;
    }
    Matcher major = version == null ? null : Pattern.compile("^v(\\d+)\\.").matcher(version);
    String problem = null;
    if (major == null || !major.find()) {
      problem = "Node.js is not on the PATH (" + (version == null ? "no node command" : version) + ")";
    } else if (Integer.parseInt(major.group(1)) < 18) {
      problem = "Node.js " + version + " is too old, the snippet's tests need 18 or newer";
    }
    if (problem != null) {
      if (required) {
        fail(problem + ", and FAREWELL_REQUIRE_NODE=1");
      }
      System.out.println("Skipping the snippet's node tests: " + problem + " (set FAREWELL_REQUIRE_NODE=1 to fail)");
      assumeTrue(false, "Skipping the snippet's node tests: " + problem);
    }
    return "node";
  }
}
