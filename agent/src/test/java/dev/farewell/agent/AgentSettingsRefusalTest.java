package dev.farewell.agent;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent arguments that name a setting wrongly or twice are refused, as docs/agent.md says, and an
 * empty secret does not hide the secret file.
 */
class AgentSettingsRefusalTest {

  @Test
  void aMisspelledNameAfterTheFirstArgumentIsRefusedNotTakenIntoTheValueBefore() {
    // docs/agent.md: "A name that is not a setting, in the arguments or the file, stops the agent"
    assertThatThrownBy(() -> AgentSettings.read("session-attributes=user,logout-methd=POST",
        name -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("logout-methd");
  }

  @Test
  void oneSettingGivenTwiceInTheArgumentsIsRefused() {
    assertThatThrownBy(() -> AgentSettings.read("exit-grace=3s,exitGrace=30s", name -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exit");
  }

  @Test
  void aSpaceBeforeTheEqualsOfAnUnknownNameIsRefusedToo() {
    assertThatThrownBy(() -> AgentSettings.read("exit-grace=3s,open-timout =20s", name -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("open-timout");
  }

  @Test
  void aFreeTextValueMayHoldAnotherWordAndEquals() throws Exception {
    String url = "https://sso.example.com/logout?id=1,service=https://app/";
    assertThat(AgentSettings.read("logout-url=" + url + ",exit-grace=3s", name -> null).asMap())
        .containsEntry("farewell.logoutUrl", url).containsEntry("farewell.exitGrace", "3s");
  }

  @Test
  void anEmptySecretDoesNotStopTheSecretFileFromBeingRead(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("secret"), "s3cret-from-file\n");
    assertThat(AgentSettings.read("secret=,secret-file=" + file, name -> null).asMap())
        .containsEntry("farewell.secret", "s3cret-from-file");
  }
}
