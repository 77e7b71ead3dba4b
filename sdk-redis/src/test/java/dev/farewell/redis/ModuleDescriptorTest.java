package dev.farewell.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor.Requires;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Checks the module descriptor compiled into this module's classes, as a modular application sees it. */
class ModuleDescriptorTest {

  @Test
  void theModuleExportsItsApiPackageToEveryoneAndNothingElse() throws Exception {
    ModuleDescriptor descriptor = descriptorOf(RedisSessionStore.class);

    assertThat(descriptor.name()).isEqualTo("dev.farewell.redis");
    assertThat(descriptor.isOpen()).isFalse();
    assertThat(descriptor.opens()).isEmpty();
    assertThat(descriptor.exports()).allSatisfy(e -> assertThat(e.isQualified()).as(e.toString()).isFalse());
    assertThat(descriptor.exports().stream().map(Exports::source)).containsExactly("dev.farewell.redis");
  }

  @Test
  void theModuleRequiresWhatItsCodeUses() throws Exception {
    ModuleDescriptor descriptor = descriptorOf(RedisSessionStore.class);

    assertThat(descriptor.requires().stream()
            .filter(r -> !r.modifiers().contains(Requires.Modifier.MANDATED))
            .map(r -> r.modifiers().contains(Requires.Modifier.TRANSITIVE) ? r.name() + " (transitive)" : r.name())
            .collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("dev.farewell.core (transitive)", "redis.clients.jedis (transitive)",
            "com.github.benmanes.caffeine", "org.slf4j");
  }

  @Test
  void theLuaScriptsLoadWhenTheJarsAreNamedModules() throws Exception {
    ModuleFinder finder = ModuleFinder.of(
        locationOf(RedisSessionStore.class),
        locationOf(dev.farewell.Farewell.class),
        locationOf(redis.clients.jedis.UnifiedJedis.class),
        locationOf(com.github.benmanes.caffeine.cache.Caffeine.class),
        locationOf(org.slf4j.Logger.class),
        locationOf(com.fasterxml.jackson.core.JsonFactory.class));
    Configuration configuration =
        ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), Set.of("dev.farewell.redis"));
    ModuleLayer layer =
        ModuleLayer.boot().defineModulesWithOneLoader(configuration, ClassLoader.getSystemClassLoader());

    // Initialising the enum reads every script through its own class, inside the named module.
    Class<?> scripts = Class.forName(Scripts.class.getName(), true, layer.findLoader("dev.farewell.redis"));

    assertThat(scripts.getModule().getName()).isEqualTo("dev.farewell.redis");
    assertThat(scripts.getModule().getLayer()).isSameAs(layer);
    assertThat(scripts.getEnumConstants()).hasSize(Scripts.values().length);
  }

  private static Path locationOf(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
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
