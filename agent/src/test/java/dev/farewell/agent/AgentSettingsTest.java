package dev.farewell.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's arguments are split only where a comma is followed by the name of a setting, so a
 * value may hold commas and {@code ,name=} (a logout URL's query); a name the agent does not know
 * is refused with its name instead of being ignored.
 */
class AgentSettingsTest {

  private static final Pattern SETTING = Pattern.compile("farewell\\.[a-z][A-Za-z]*");

  @Test
  void aLogoutUrlWhoseQueryHoldsCommaNameEqualsIsKeptWhole() throws Exception {
    String url = "https://sso.example.com/logout?ticket=${attributes.t},service=https://app/,a=b";

    AgentSettings settings =
        AgentSettings.read("logout-url=" + url + ",exit-grace=3s", name -> null);

    assertThat(settings.asMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("farewell.logoutUrl", url, "farewell.exitGrace", "3s"));
  }

  @Test
  void argumentsAreSplitAtEveryKnownNameInEachSpelling() throws Exception {
    AgentSettings settings = AgentSettings.read(
        "exitGrace=3s, farewell.openTimeout=20s,inject-exclude=/login,/public/*,"
            + "logout-form-body=client_id=app,scope=a,b",
        name -> null);

    assertThat(settings.asMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "farewell.exitGrace", "3s",
        "farewell.openTimeout", "20s",
        "farewell.injectExclude", "/login,/public/*",
        "farewell.logoutFormBody", "client_id=app,scope=a,b"));
  }

  @Test
  void anUnknownArgumentNameIsRefusedWithItsName() {
    assertThatThrownBy(() -> AgentSettings.read("exit-grase=3s,open-timeout=20s", name -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"exit-grase\"")
        .hasMessageContaining("exit-grace");
  }

  @Test
  void anUnknownNameInThePropertiesFileIsRefusedWithItsName(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("agent.properties"), "exitGrace=3s\nlogoutUlr=x\n");

    assertThatThrownBy(() -> AgentSettings.read("config=" + file, name -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"logoutUlr\"")
        .hasMessageContaining(file.toString());
  }

  /** A setting the agent does not know would be glued to the value before it. */
  @Test
  void theAgentKnowsEverySettingTheDropInReadsAndItsOwnTwo() throws Exception {
    Set<String> expected = new TreeSet<>(dropInSettingNames());
    expected.addAll(List.of("farewell.config", "farewell.secretFile"));

    assertThat(new TreeSet<>(AgentSettings.NAMES)).isEqualTo(expected);
  }

  /** The {@code farewell.*} string constants of farewell-servlet's classes: the names it reads. */
  private static Set<String> dropInSettingNames() throws Exception {
    Path classes = Path.of(Class.forName("dev.farewell.servlet.FarewellInitializer")
        .getProtectionDomain().getCodeSource().getLocation().toURI());
    Set<String> names = new TreeSet<>();
    ClassVisitor collector = new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor,
          String signature, String[] exceptions) {
        return new MethodVisitor(Opcodes.ASM9) {
          @Override
          public void visitLdcInsn(Object value) {
            if (value instanceof String text && SETTING.matcher(text).matches()) {
              names.add(text);
            }
          }
        };
      }
    };
    // target/classes in a build up to the test phase, the module's jar in one that packages it
    try (FileSystem jar = Files.isDirectory(classes) ? null : FileSystems.newFileSystem(classes);
        Stream<Path> files = Files.walk(jar == null ? classes : jar.getPath("/"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        new ClassReader(Files.readAllBytes(file)).accept(collector, ClassReader.SKIP_FRAMES);
      }
    }
    assertThat(names).as("names found in " + classes).contains("farewell.exitGrace");
    return names;
  }
}
