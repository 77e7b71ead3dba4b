package dev.farewell.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The agent logs its settings at INFO when it starts ({@code Hooks.install}); only keys holding
 * "secret" are masked. A logout call's credentials live in the values of other settings.
 */
class AgentSettingsLogTest {

  @Test
  void theStartLogLineDoesNotShowALogoutBodysClientSecret() throws Exception {
    AgentSettings settings = AgentSettings.read(
        "secret=a-test-secret-of-at-least-32-bytes!!,"
            + "logout-url=https://sso.example.com/oauth2/revoke,"
            + "logout-form-body=client_id=app&client_secret=s3cr3t-value&token=${attributes.t}",
        name -> null);

    assertThat(settings.asMap()).containsKey("farewell.logoutFormBody");
    assertThat(settings.toString()).doesNotContain("s3cr3t-value");
  }

  @Test
  void theStartLogLineDoesNotShowCredentialsInTheLogoutUrl() throws Exception {
    AgentSettings settings = AgentSettings.read(
        "secret=a-test-secret-of-at-least-32-bytes!!,"
            + "logout-url=https://sso.example.com/logout?api_key=k3y-value&ticket=${attributes.t}",
        name -> null);

    // HttpReleaseAction itself never logs a URL's query (it may hold credentials).
    assertThat(settings.toString()).doesNotContain("k3y-value");
  }
}
