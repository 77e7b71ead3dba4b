package dev.farewell.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every status the handler refuses with has a counter. */
class RefusalsTest {

  private static final Pattern REJECTION = Pattern.compile("new Rejection\\(\\s*(\\d{3})");

  @Test
  void everyStatusOfARejectionIsCounted() throws IOException {
    Set<Integer> statuses = new TreeSet<>();
    try (Stream<Path> sources = Files.list(Path.of("src/main/java/dev/farewell/beacon"))) {
      for (Path source : sources.collect(Collectors.toList())) {
        Matcher matcher = REJECTION.matcher(Files.readString(source));
        while (matcher.find()) {
          statuses.add(Integer.parseInt(matcher.group(1)));
        }
      }
    }

    assertThat(statuses).hasSizeGreaterThan(5);
    assertThat(Arrays.stream(Refusals.STATUSES).boxed()).containsExactlyInAnyOrderElementsOf(statuses);
  }

  @Test
  void aCountedRefusalShowsInTheSnapshotOnly() {
    Refusals refusals = new Refusals();
    refusals.count(429);
    refusals.count(429);
    refusals.count(503);

    assertThat(refusals.snapshot()).containsEntry(429, 2L).containsEntry(503, 1L)
        .containsEntry(400, 0L);
  }
}
