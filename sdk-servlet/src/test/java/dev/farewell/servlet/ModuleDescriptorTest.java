package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor.Requires;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Checks the module descriptor compiled into this module's classes, as a modular application sees it. */
class ModuleDescriptorTest {

  @Test
  void theModuleExportsItsApiPackageToEveryoneAndNothingElse() throws Exception {
    ModuleDescriptor descriptor = descriptorOf(FarewellServlet.class);

    assertThat(descriptor.name()).isEqualTo("dev.farewell.servlet");
    assertThat(descriptor.isOpen()).isFalse();
    assertThat(descriptor.opens()).isEmpty();
    assertThat(descriptor.exports()).allSatisfy(e -> assertThat(e.isQualified()).as(e.toString()).isFalse());
    assertThat(descriptor.exports().stream().map(Exports::source)).containsExactly("dev.farewell.servlet");
  }

  @Test
  void theModuleRequiresWhatItsCodeUses() throws Exception {
    ModuleDescriptor descriptor = descriptorOf(FarewellServlet.class);

    assertThat(descriptor.requires().stream()
            .filter(r -> !r.modifiers().contains(Requires.Modifier.MANDATED))
            .map(r -> r.modifiers().contains(Requires.Modifier.TRANSITIVE) ? r.name() + " (transitive)"
                : r.modifiers().contains(Requires.Modifier.STATIC) ? r.name() + " (static)" : r.name())
            .collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("dev.farewell.core (transitive)", "jakarta.servlet (transitive)", "dev.farewell.snippet",
            "org.slf4j", "dev.farewell.okhttp (static)");
  }

  @Test
  void theModuleProvidesItsContainerInitializerAsAService() throws Exception {
    ModuleDescriptor descriptor = descriptorOf(FarewellServlet.class);

    assertThat(descriptor.provides()).singleElement().satisfies(p -> {
      assertThat(p.service()).isEqualTo("jakarta.servlet.ServletContainerInitializer");
      assertThat(p.providers()).containsExactly(FarewellInitializer.class.getName());
    });
  }

  /** Reads the descriptor from where the class was loaded: the module's classes or its jar. */
  static ModuleDescriptor descriptorOf(Class<?> type) throws Exception {
    Path location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    return ModuleFinder.of(location).findAll().stream()
        .findFirst()
        .orElseThrow(() -> new AssertionError("no module at " + location))
        .descriptor();
  }
}
