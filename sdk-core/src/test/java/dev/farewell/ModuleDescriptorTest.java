package dev.farewell;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor.Requires;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Checks the module descriptor compiled into the core's classes, as a modular application sees it. */
class ModuleDescriptorTest {

  @Test
  void theCoreExportsItsApiPackagesToEveryoneAndNothingElse() throws Exception {
    ModuleDescriptor descriptor = descriptorOf(Farewell.class);

    assertThat(descriptor.name()).isEqualTo("dev.farewell.core");
    assertThat(descriptor.isOpen()).isFalse();
    assertThat(descriptor.opens()).isEmpty();
    assertThat(descriptor.exports()).allSatisfy(e -> assertThat(e.isQualified()).as(e.toString()).isFalse());
    assertThat(descriptor.exports().stream().map(Exports::source))
        .containsExactlyInAnyOrder("dev.farewell", "dev.farewell.beacon", "dev.farewell.spi");
    assertThat(descriptor.packages())
        .contains("dev.farewell.internal", "dev.farewell.internal.release");
  }

  @Test
  void theCoreRequiresCaffeineSlf4jAndJacksonCoreOnly() throws Exception {
    ModuleDescriptor descriptor = descriptorOf(Farewell.class);

    assertThat(descriptor.requires().stream()
            .filter(r -> !r.modifiers().contains(Requires.Modifier.MANDATED))
            .map(Requires::name)
            .collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(
            "com.github.benmanes.caffeine", "org.slf4j", "com.fasterxml.jackson.core");
  }

  /** Reads the descriptor from where the class was loaded: the module's classes or its jar. */
  static ModuleDescriptor descriptorOf(Class<?> type) throws URISyntaxException {
    Path location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    ModuleReference module = ModuleFinder.of(location).findAll().stream()
        .findFirst()
        .orElseThrow(() -> new AssertionError("no module at " + location));
    return module.descriptor();
  }
}
