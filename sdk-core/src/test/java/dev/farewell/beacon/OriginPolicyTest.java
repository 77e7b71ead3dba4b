package dev.farewell.beacon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OriginPolicyTest {

  @Test
  void originsAreNormalizedWithoutDefaultPorts() {
    assertThat(OriginPolicy.normalize("HTTPS://App.Example.com:443")).isEqualTo("https://app.example.com");
    assertThat(OriginPolicy.normalize("http://example.com:8080")).isEqualTo("http://example.com:8080");
    assertThat(OriginPolicy.normalize("http://[::1]:8080")).isEqualTo("http://[::1]:8080");
  }

  @Test
  void nonOriginsNormalizeToNull() {
    assertThat(OriginPolicy.normalize("null")).isNull();
    assertThat(OriginPolicy.normalize("file://")).isNull();
    assertThat(OriginPolicy.normalize("https://example.com/path")).isNull();
    assertThat(OriginPolicy.normalize("https://user@example.com")).isNull();
    assertThat(OriginPolicy.normalize("ftp://example.com")).isNull();
    assertThat(OriginPolicy.normalize("%%%")).isNull();
  }

  @Test
  void listedOriginsAreAllowedAndOthersAreNot() {
    OriginPolicy policy = OriginPolicy.allowing("https://a.example.com");

    assertThat(policy.allowsListed("https://a.example.com")).isTrue();
    assertThat(policy.allowsListed("https://b.example.com")).isFalse();
    assertThat(OriginPolicy.sameOrigin().allowsListed("https://a.example.com")).isFalse();
  }

  @Test
  void anOriginWithAPathCannotBeListed() {
    assertThatThrownBy(() -> OriginPolicy.allowing("https://a.example.com/app"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https://a.example.com/app");
  }
}
