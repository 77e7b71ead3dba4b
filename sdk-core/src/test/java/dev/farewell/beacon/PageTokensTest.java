package dev.farewell.beacon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class PageTokensTest {

  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final PageTokens tokens = PageTokens.newBuilder().secret(SECRET).clock(clock).build();

  @Test
  void anIssuedTokenVerifiesToItsSessionKey() {
    PageToken token = tokens.issue("session-1");

    PageToken verified = tokens.verify(token.value()).orElseThrow();

    assertThat(verified.sessionKey()).isEqualTo("session-1");
    assertThat(verified.issuedAt()).isEqualTo(clock.instant());
    assertThat(verified.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(12)));
    assertThat(token.value()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
  }

  @Test
  void aTokenIsRefusedOnceItsMaxAgeHasPassed() {
    PageToken token = tokens.issue("session-1");

    clock.advance(Duration.ofHours(12).minusNanos(1));
    assertThat(tokens.verify(token.value())).isPresent();
    clock.advance(Duration.ofNanos(1));
    assertThat(tokens.verify(token.value())).isEmpty();
  }

  @Test
  void anIssuedTokenIsExactlyTheDocumentedSpelling() throws Exception {
    long now = clock.instant().getEpochSecond();
    // payload lengths of every remainder modulo 3, a key outside ASCII, the longest key
    for (String key : new String[] {"a", "ab", "abc", "session-1", "Zo\u00eb-\u20ac-\ud83d\ude00",
        "k".repeat(PageTokens.MAXIMUM_KEY_BYTES)}) {
      assertThat(tokens.issue(key).value()).isEqualTo(signed(2, now, now, key));
    }
  }

  @Test
  void aTokenIsDueForRefreshPastHalfItsLife() {
    PageToken token = tokens.issue("session-1");

    clock.advance(Duration.ofHours(6).minusSeconds(1));
    assertThat(tokens.shouldRefresh(tokens.verify(token.value()).orElseThrow())).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(tokens.shouldRefresh(tokens.verify(token.value()).orElseThrow())).isTrue();
  }

  @Test
  void aTokenIssuedUpToTheClockSkewAheadVerifies() {
    MutableClock ahead = new MutableClock(clock.instant().plus(Duration.ofMinutes(1)));
    PageTokens fast = PageTokens.newBuilder().secret(SECRET).clock(ahead).build();
    String minuteAhead = fast.issue("session-1").value();
    ahead.advance(Duration.ofSeconds(1));
    String beyond = fast.issue("session-1").value();

    assertThat(tokens.verify(minuteAhead)).isPresent();
    clock.advance(Duration.ofMillis(999));
    assertThat(tokens.verify(beyond)).isEmpty();
  }

  @Test
  void aMaximumAgeBeyondTheLastInstantNeverExpiresAndNeverThrows() {
    PageTokens forever =
        PageTokens.newBuilder()
            .secret(SECRET)
            .clock(clock)
            .maxAge(Duration.ofSeconds(Long.MAX_VALUE))
            .build();
    PageToken token = forever.issue("session-1");

    clock.advance(Duration.ofDays(365_000));
    PageToken verified = forever.verify(token.value()).orElseThrow();
    assertThat(verified.expiresAt()).isEqualTo(Instant.MAX);
    assertThat(forever.shouldRefresh(verified)).isFalse();
  }

  @Test
  void aTokenIssuedInTheFutureIsRefused() {
    MutableClock ahead = new MutableClock(clock.instant().plus(Duration.ofMinutes(5)));
    PageTokens fast = PageTokens.newBuilder().secret(SECRET).clock(ahead).build();

    assertThat(tokens.verify(fast.issue("session-1").value())).isEmpty();
  }

  @Test
  void aTokenSignedWithAnotherSecretIsRefused() {
    PageTokens other = PageTokens.newBuilder().secret(OTHER).clock(clock).build();

    assertThat(tokens.verify(other.issue("session-1").value())).isEmpty();
  }

  @Test
  void aPreviousSecretStillVerifiesAndRenewsItsTokensUnderItself() {
    PageTokens old = PageTokens.newBuilder().secret(OTHER).clock(clock).build();
    PageTokens rotated =
        PageTokens.newBuilder().secret(SECRET).previousSecret(OTHER).clock(clock).build();
    PageToken verified = rotated.verify(old.issue("session-1").value()).orElseThrow();
    clock.advance(Duration.ofHours(7));

    PageToken renewed = rotated.renew(verified, rotated.now());

    assertThat(verified.sessionKey()).isEqualTo("session-1");
    assertThat(old.verify(renewed.value())).isPresent();
    assertThat(PageTokens.newBuilder().secret(SECRET).clock(clock).build().verify(renewed.value()))
        .isEmpty();
    assertThat(old.verify(rotated.issue("session-1").value())).isEmpty();
  }

  @Test
  void aRenewalKeepsItsChainsStartAndExpiry() {
    PageToken served = tokens.issue("session-1");
    clock.advance(Duration.ofHours(7));

    PageToken renewed = tokens.renew(served, tokens.now());

    assertThat(renewed.issuedAt()).isEqualTo(clock.instant());
    assertThat(renewed.firstIssuedAt()).isEqualTo(served.issuedAt());
    assertThat(renewed.expiresAt()).isEqualTo(served.expiresAt());
    assertThat(tokens.verify(renewed.value())).contains(renewed);
    clock.advance(Duration.ofHours(5).minusSeconds(1));
    assertThat(tokens.verify(renewed.value())).isPresent();
    clock.advance(Duration.ofSeconds(1)); // twelve hours after the page was served
    assertThat(tokens.verify(renewed.value())).isEmpty();
    assertThat(tokens.verify(tokens.renew(renewed, tokens.now()).value())).isEmpty();
  }

  @Test
  void aTokenWhoseChainBeginsAfterItWasIssuedIsRefused() throws Exception {
    long now = clock.instant().getEpochSecond();

    assertThat(tokens.verify(signed(2, now - 60, now, "session-1"))).isPresent();
    assertThat(tokens.verify(signed(2, now, now - 60, "session-1"))).isEmpty();
  }

  @Test
  void aTokenOfTheFirstVersionWithoutAChainStartIsRefused() throws Exception {
    long now = clock.instant().getEpochSecond();
    byte[] key = "session-1".getBytes(StandardCharsets.UTF_8);
    byte[] payload = ByteBuffer.allocate(9 + key.length).put((byte) 1).putLong(now).put(key).array();

    assertThat(tokens.verify(withMac(payload))).isEmpty();
  }

  /** A token as {@link PageTokens} would write it, with chosen fields, under {@link #SECRET}. */
  private static String signed(int version, long firstSeconds, long seconds, String key)
      throws Exception {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    return withMac(
        ByteBuffer.allocate(17 + bytes.length)
            .put((byte) version)
            .putLong(firstSeconds)
            .putLong(seconds)
            .put(bytes)
            .array());
  }

  private static String withMac(byte[] payload) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
    return encoder.encodeToString(payload) + "." + encoder.encodeToString(mac.doFinal(payload));
  }

  @Test
  void aTokenWithAChangedSessionKeyIsRefused() {
    String value = tokens.issue("session-1").value();
    byte[] payload = Base64.getUrlDecoder().decode(value.substring(0, value.indexOf('.')));
    payload[payload.length - 1] = '2';
    String forged =
        Base64.getUrlEncoder().withoutPadding().encodeToString(payload)
            + value.substring(value.indexOf('.'));

    assertThat(tokens.verify(forged)).isEmpty();
  }

  @Test
  void everyFlippedCharacterOfATokenIsRefused() {
    String value = tokens.issue("session-1").value();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      char flipped = c == 'A' ? 'B' : 'A';
      String forged = value.substring(0, i) + flipped + value.substring(i + 1);
      if (!forged.equals(value)) {
        assertThat(tokens.verify(forged)).as("flipped at %d", i).isEmpty();
      }
    }
  }

  @Test
  void anotherSpellingOfTheSameBytesIsRefused() {
    String value = tokens.issue("session-1").value();
    String mac = value.substring(value.indexOf('.') + 1);
    // The last of 43 characters carries two unused bits: setting them keeps the decoded bytes.
    char last = mac.charAt(mac.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char sameBytes = alphabet.charAt(alphabet.indexOf(last) ^ 1);

    assertThat(tokens.verify(value.substring(0, value.length() - 1) + sameBytes)).isEmpty();
    assertThat(tokens.verify(value + "=")).isEmpty();
  }

  @Test
  void anotherSpellingOfTheSamePayloadIsRefused() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int checked = 0;
    // Keys of several lengths give payloads whose last character carries 2 or 4 unused bits.
    for (String key : new String[] {"k", "ke", "key", "key4", "key45", "key456", "session-é"}) {
      String value = tokens.issue(key).value();
      int dot = value.indexOf('.');
      String payload = value.substring(0, dot);
      assertThat(tokens.verify(value)).as(key).isPresent();
      assertThat(tokens.verify(payload + "=" + value.substring(dot))).as(key).isEmpty();
      if (payload.length() % 4 != 0) {
        char last = payload.charAt(payload.length() - 1);
        char sameBytes = alphabet.charAt(alphabet.indexOf(last) ^ 1);
        String respelled = payload.substring(0, dot - 1) + sameBytes + value.substring(dot);
        assertThat(Base64.getUrlDecoder().decode(respelled.substring(0, dot)))
            .isEqualTo(Base64.getUrlDecoder().decode(payload));
        assertThat(tokens.verify(respelled)).as(key).isEmpty();
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(3);
    assertThat(tokens.verify(tokens.issue("session-é").value()).orElseThrow().sessionKey())
        .isEqualTo("session-é");
  }

  @Test
  void garbageNeverVerifiesAndNeverThrows() {
    for (String garbage :
        new String[] {
          null, "", ".", "a.b", "..", "AAAA.AAAA", "!!!.???", "x".repeat(10_000), "\uD800.\uDC00",
        }) {
      assertThat(tokens.verify(garbage)).isEmpty();
    }
  }

  @Test
  void aSecretShorterThan32BytesIsRefused() {
    assertThatThrownBy(() -> PageTokens.newBuilder().secret(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret must have at least 32 bytes, was 31");
  }

  @Test
  void aSessionKeyLongerThan256BytesCannotBeIssued() {
    assertThatThrownBy(() -> tokens.issue("k".repeat(257)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 257");
  }

  @Test
  void withoutASecretARandomOneIsUsedPerInstance() {
    PageTokens first = PageTokens.newBuilder().build();
    PageTokens second = PageTokens.newBuilder().build();

    assertThat(first.verify(first.issue("s").value())).isPresent();
    assertThat(second.verify(first.issue("s").value())).isEmpty();
  }

  @Test
  void aTokenIsDueForRefreshPastHalfTheAdoptionWindowWhenThatIsShorterThanItsMaxAge() {
    PageToken token = tokens.issue("session-1");

    clock.advance(Duration.ofMinutes(5).minusSeconds(1));
    assertThat(tokens.shouldRefresh(token, Duration.ofMinutes(10), tokens.now())).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(tokens.shouldRefresh(token, Duration.ofMinutes(10), tokens.now())).isTrue();
    assertThat(tokens.shouldRefresh(token, Duration.ofDays(2), tokens.now())).isFalse();
  }

  @Test
  void aTokenIsIssuedWithinAWindowUpToItsLastSecond() {
    PageToken token = tokens.issue("session-1");

    clock.advance(Duration.ofMinutes(10));
    assertThat(tokens.issuedWithin(token, Duration.ofMinutes(10), tokens.now())).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(tokens.issuedWithin(token, Duration.ofMinutes(10), tokens.now())).isFalse();
  }
}
