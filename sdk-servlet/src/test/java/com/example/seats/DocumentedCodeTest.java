package com.example.seats;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java blocks of the integration guides are the code the build compiles and runs: a block
 * marked {@code <!-- compiled: file… -->} must consist of lines of those files, in their order
 * (lines may be left out, but a guard ({@code if}, {@code return}, an invalidation) only where the
 * block has a blank line or a line starting with {@code //}, the guide's own remarks); every
 * other Java block must say why it is not compiled ({@code <!-- not compiled: … -->}).
 */
class DocumentedCodeTest {

  private static final String COMPILED = "<!-- compiled:";
  private static final String NOT_COMPILED = "<!-- not compiled:";

  @ParameterizedTest
  @ValueSource(strings = {"README.md", "docs/getting-started.md"})
  void everyJavaBlockIsQuotedFromCompiledCodeOrSaysWhyNot(String guide) throws IOException {
    Path root = projectRoot();
    List<String> lines = Files.readAllLines(root.resolve(guide));
    int blocks = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).trim().equals("```java")) {
        continue;
      }
      blocks++;
      String marker = i > 0 ? lines.get(i - 1).trim() : "";
      List<String> block = new ArrayList<>();
      int end = i + 1;
      while (!lines.get(end).trim().equals("```")) {
        block.add(lines.get(end++));
      }
      String where = guide + ":" + (i + 1);
      if (marker.startsWith(NOT_COMPILED)) {
        continue;
      }
      assertThat(marker).as("%s: the marker line before the block", where).startsWith(COMPILED);
      List<String> source = new ArrayList<>();
      for (String file : marker.substring(COMPILED.length(), marker.length() - 3).trim()
          .split("\\s+")) {
        Path path = root.resolve(file);
        assertThat(path).as("%s: the quoted file", where).isRegularFile();
        Files.readAllLines(path).forEach(line -> source.add(line.trim()));
      }
      int at = -1;
      boolean gapMarked = true;
      for (String line : block) {
        String quoted = line.trim();
        if (quoted.isEmpty() || quoted.startsWith("//")) {
          gapMarked = true;
          continue;
        }
        int found = indexOf(source, quoted, at + 1);
        assertThat(found)
            .as("%s: \"%s\" is a line of %s after the block's previous line", where, quoted,
                marker)
            .isGreaterThanOrEqualTo(0);
        if (!gapMarked && at >= 0) {
          // Lines that run on without a blank or a remark between them: no guard of the code
          // between them may be left out silently.
          assertThat(source.subList(at + 1, found))
              .as("%s: lines left out before \"%s\" (mark a gap with a blank line or a // remark)",
                  where, quoted)
              .noneMatch(left -> left.startsWith("if (") || left.startsWith("} else")
                  || left.startsWith("return") || left.contains("invalidate("));
        }
        at = found;
        gapMarked = false;
      }
    }
    assertThat(blocks).as("%s has Java blocks", guide).isPositive();
  }

  private static int indexOf(List<String> source, String line, int from) {
    for (int i = from; i < source.size(); i++) {
      if (source.get(i).equals(line)) {
        return i;
      }
    }
    return -1;
  }

  private static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.isRegularFile(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    return dir;
  }
}
