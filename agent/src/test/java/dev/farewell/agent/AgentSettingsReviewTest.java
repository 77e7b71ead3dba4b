package dev.farewell.agent;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Agent arguments that name a setting wrongly or twice are refused, as docs/agent.md says. */
class AgentSettingsReviewTest {

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
}
