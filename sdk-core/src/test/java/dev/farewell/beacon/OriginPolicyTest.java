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
  void originsAlreadyInCanonicalFormAreTakenWithoutParsing() {
    for (String origin :
        new String[] {
          "http://localhost:8080", "https://app.example.com", "http://127.0.0.1:9000",
          "https://a-b.c1.example:65535", "http://10.0.0.1", "https://1a.example.com"
        }) {
      assertThat(OriginPolicy.isCanonical(origin)).as(origin).isTrue();
      assertThat(OriginPolicy.parsed(origin)).as(origin).isEqualTo(origin);
    }
    for (String origin :
        new String[] {
          "https://example.com:443", "http://example.com:80", "HTTP://example.com", "http://Ex.com",
          "http://a:0080", "http://a:65536", "http://256.1.1.1", "http://1.2.3", "http://123",
          "http://a-.b", "http://-a.b", "http://a..b", "http://a.", "http://a.b-", " http://a",
          "http://a:", "http://[::1]", "http://01.2.3.4", "http://a.1b"
        }) {
      assertThat(OriginPolicy.isCanonical(origin)).as(origin).isFalse();
    }
  }

  /** The shortcut never says "canonical" where parsing would give another answer. */
  @Test
  void theShortcutAgreesWithParsingOnRandomOrigins() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    String[] parts = {
      "a", "b", "z", "0", "1", "9", "25", "255", "256", "00", ".", "-", ":", "80", "443", "65535",
      "99999", "A", "_", "/", "@", "[", "]", "%41", " ", "x1", "com"
    };
    int canonical = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder origin = new StringBuilder(random.nextBoolean() ? "http://" : "https://");
      int n = 1 + random.nextInt(8);
      for (int j = 0; j < n; j++) {
        origin.append(parts[random.nextInt(parts.length)]);
      }
      String value = origin.toString();
      if (OriginPolicy.isCanonical(value)) {
        canonical++;
        assertThat(OriginPolicy.parsed(value)).as(value).isEqualTo(value);
      }
    }
    assertThat(canonical).isGreaterThan(1_000);
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
