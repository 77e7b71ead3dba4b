package dev.farewell.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base64UrlTest {

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  @Test
  void whatAnEncoderWritesIsReadBack() {
    Random random = new Random(7);
    for (int length = 0; length < 300; length++) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      String text = "." + ENCODER.encodeToString(bytes) + ".";

      assertThat(Base64Url.decode(text, 1, text.length() - 1)).isEqualTo(bytes);
    }
  }

  /**
   * Against the JDK's decoder: a string is read if and only if the JDK decodes it and encoding the
   * bytes spells it again (its one canonical spelling), and then to the same bytes.
   */
  @Test
  void onlyTheCanonicalSpellingIsReadAndToTheJdksBytes() {
    Random random = new Random(11);
    String characters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. \u00e9";
    int read = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(12);
      for (int c = 0; c < length; c++) {
        // mostly the alphabet, now and then anything else
        int pick = random.nextInt(20) == 0 ? characters.length() : 64;
        text.append(characters.charAt(random.nextInt(pick)));
      }
      String value = text.toString();
      byte[] ours = Base64Url.decode(value, 0, value.length());
      byte[] jdks;
      try {
        jdks = Base64.getUrlDecoder().decode(value);
      } catch (IllegalArgumentException e) {
        jdks = null;
      }
      boolean canonical = jdks != null && ENCODER.encodeToString(jdks).equals(value);
      assertThat(ours).as(value).isEqualTo(canonical ? jdks : null);
      if (ours != null) {
        read++;
      }
    }
    assertThat(read).isGreaterThan(10_000);
  }
}
