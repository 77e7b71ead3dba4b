package dev.farewell.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every property of the generated metadata has its row in docs/spring-boot.md. */
class PropertiesDocumentationTest {

  @Test
  void everyPropertyInTheGeneratedMetadataIsDocumented() throws IOException {
    String metadata;
    try (InputStream in = getClass().getClassLoader()
        .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("generated configuration metadata").isNotNull();
      metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String properties = metadata.substring(metadata.indexOf("\"properties\""));
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("\"name\"\\s*:\\s*\"(farewell\\.[^\"]+)\"").matcher(properties);
    while (m.find()) {
      names.add(m.group(1));
    }
    String docs = Files.readString(Path.of("..", "docs", "spring-boot.md"));

    assertThat(names).hasSizeGreaterThan(25);
    assertThat(names).allSatisfy(name -> assertThat(docs).contains("| `" + name + "` |"));
  }
}
