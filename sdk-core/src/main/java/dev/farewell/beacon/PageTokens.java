package dev.farewell.beacon;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues and verifies {@link PageToken}s: HMAC-SHA256 over (version, time of issue, session key),
 * base64url, compared in constant time, with a maximum age and key rotation (the current secret
 * signs; previous secrets still verify until their tokens age out).
 *
 * <pre>{@code
 * PageTokens tokens = PageTokens.newBuilder()
 *     .secret(System.getenv("FAREWELL_SECRET").getBytes(StandardCharsets.UTF_8))
 *     .previousSecret(oldSecret)
 *     .build();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PageTokens {

  private static final Logger logger = LoggerFactory.getLogger(PageTokens.class);

  /** The fewest bytes a secret may have. */
  public static final int MINIMUM_SECRET_BYTES = 32;

  /** The longest session key, in UTF-8 bytes, a token can carry. */
  public static final int MAXIMUM_KEY_BYTES = 256;

  private static final byte VERSION = 1;
  private static final int MAXIMUM_TOKEN_CHARS = 512;
  private static final int MAC_BYTES = 32;
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private final List<SecretKeySpec> secrets;
  private final List<HmacPool> signers;
  private final Duration maxAge;
  private final Clock clock;

  private PageTokens(Builder builder) {
    List<SecretKeySpec> keys = new ArrayList<>();
    byte[] current = builder.secret;
    if (current == null) {
      current = new byte[MINIMUM_SECRET_BYTES];
      new SecureRandom().nextBytes(current);
      logger.warn(
          "No page token secret configured: using a random one. Tokens issued by this node will"
              + " not verify on other nodes nor after a restart; a multi-node deployment needs a"
              + " shared secret (PageTokens.Builder.secret, at least {} bytes).",
          MINIMUM_SECRET_BYTES);
    }
    keys.add(new SecretKeySpec(current, "HmacSHA256"));
    for (byte[] previous : builder.previousSecrets) {
      keys.add(new SecretKeySpec(previous, "HmacSHA256"));
    }
    this.secrets = List.copyOf(keys);
    List<HmacPool> pools = new ArrayList<>();
    for (SecretKeySpec key : secrets) {
      pools.add(new HmacPool(key));
    }
    this.signers = List.copyOf(pools);
    this.maxAge = builder.maxAge;
    this.clock = builder.clock;
  }

  /** Returns a builder: no secret (a random one), max age 12 hours, the system clock. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns how long a token is accepted after it was issued. */
  public Duration maxAge() {
    return maxAge;
  }

  /**
   * Issues a token for a session, signed with the current secret, issued now.
   *
   * @throws NullPointerException if {@code sessionKey} is null
   * @throws IllegalArgumentException if {@code sessionKey} is empty or longer than {@link
   *     #MAXIMUM_KEY_BYTES} UTF-8 bytes
   */
  public PageToken issue(String sessionKey) {
    requireNonNull(sessionKey, "sessionKey");
    byte[] key = sessionKey.getBytes(StandardCharsets.UTF_8);
    if (key.length == 0 || key.length > MAXIMUM_KEY_BYTES) {
      throw new IllegalArgumentException(
          "sessionKey must be 1 to " + MAXIMUM_KEY_BYTES + " UTF-8 bytes, was " + key.length);
    }
    Instant issuedAt = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    byte[] payload =
        ByteBuffer.allocate(1 + Long.BYTES + key.length)
            .put(VERSION)
            .putLong(issuedAt.getEpochSecond())
            .put(key)
            .array();
    String value =
        ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(mac(0, payload));
    return new PageToken(value, sessionKey, issuedAt, maxAge, true);
  }

  /**
   * Verifies a token as received from a page.
   *
   * @return the token, or empty if it is malformed, forged, signed with an unknown secret, expired,
   *     or issued in the future; never throws for any input, null included
   */
  public Optional<PageToken> verify(String value) {
    return verify(value, clock.instant());
  }

  /** This instance's clock, read once per request by the beacon handler. */
  Instant now() {
    return clock.instant();
  }

  /** {@link #verify(String)} at {@code now}. */
  Optional<PageToken> verify(String value, Instant now) {
    if (value == null || value.isEmpty() || value.length() > MAXIMUM_TOKEN_CHARS) {
      return Optional.empty();
    }
    int dot = value.indexOf('.');
    if (dot <= 0 || dot != value.lastIndexOf('.')) {
      return Optional.empty();
    }
    // One token, one spelling: padding and non-zero trailing bits (which decode the same) are
    // refused.
    byte[] payload = Base64Url.decode(value, 0, dot);
    byte[] signature = Base64Url.decode(value, dot + 1, value.length());
    if (payload == null || signature == null || signature.length != MAC_BYTES
        || payload.length < 1 + Long.BYTES + 1
        || payload.length > 1 + Long.BYTES + MAXIMUM_KEY_BYTES) {
      return Optional.empty();
    }
    int signer = -1;
    for (int i = 0; i < secrets.size(); i++) {
      // Constant time compare, and every secret is tried, so timing tells nothing about which.
      if (MessageDigest.isEqual(mac(i, payload), signature) && signer < 0) {
        signer = i;
      }
    }
    if (signer < 0) {
      return Optional.empty();
    }
    ByteBuffer buffer = ByteBuffer.wrap(payload);
    if (buffer.get() != VERSION) {
      return Optional.empty();
    }
    long seconds = buffer.getLong();
    String sessionKey;
    int keyStart = buffer.position();
    if (BodyDecoder.isAscii(payload, keyStart, payload.length - keyStart)) {
      // (most keys: no decoder needed)
      sessionKey =
          new String(payload, keyStart, payload.length - keyStart, StandardCharsets.US_ASCII);
    } else {
      try {
        CharBuffer chars =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(buffer);
        sessionKey = chars.toString();
      } catch (CharacterCodingException e) {
        return Optional.empty();
      }
    }
    Instant issuedAt;
    try {
      issuedAt = Instant.ofEpochSecond(seconds);
    } catch (java.time.DateTimeException e) {
      return Optional.empty();
    }
    if (issuedAt.isAfter(now.plus(CLOCK_SKEW)) || !issuedAt.plus(maxAge).isAfter(now)) {
      return Optional.empty();
    }
    return Optional.of(new PageToken(value, sessionKey, issuedAt, maxAge, signer == 0));
  }

  /**
   * Whether a page should get a fresh token: its own is past half its life, or was signed with a
   * previous secret. The beacon handler refreshes sooner, once a token is past half of the engine's
   * tombstone TTL where that is shorter than the maximum age (see {@link BeaconHandler}).
   *
   * @throws NullPointerException if {@code token} is null
   */
  public boolean shouldRefresh(PageToken token) {
    return shouldRefresh(token, maxAge, clock.instant());
  }

  /**
   * Whether a page should get a fresh token: its own was issued at least half of the smaller of
   * the maximum age and {@code adoptionWindow} ago, or was signed with a previous secret.
   */
  boolean shouldRefresh(PageToken token, Duration adoptionWindow, Instant now) {
    requireNonNull(token, "token");
    Duration life = adoptionWindow.compareTo(maxAge) < 0 ? adoptionWindow : maxAge;
    // life / 2, without Duration.dividedBy's BigDecimal (this runs for every heartbeat)
    long seconds = life.getSeconds();
    Instant halfLife =
        token
            .issuedAt()
            .plusSeconds(seconds / 2)
            .plusNanos(((seconds % 2) * 1_000_000_000L + life.getNano()) / 2);
    return !token.signedWithCurrentSecret() || !now.isBefore(halfLife);
  }

  /**
   * Whether {@code token} was issued no longer than {@code window} ago by this instance's clock. A
   * token issued up to the allowed clock skew in the future counts as issued now.
   */
  boolean issuedWithin(PageToken token, Duration window, Instant now) {
    return !now.isAfter(token.issuedAt().plus(window));
  }

  private byte[] mac(int secret, byte[] payload) {
    return signers.get(secret).sign(payload);
  }

  @Override
  public String toString() {
    return "PageTokens{maxAge=" + maxAge + ", secrets=" + secrets.size() + "}";
  }

  /** Builds {@link PageTokens}. Every setter checks its argument at once. Not thread-safe. */
  public static final class Builder {
    private byte[] secret;
    private final List<byte[]> previousSecrets = new ArrayList<>();
    private Duration maxAge = Duration.ofHours(12);
    private Clock clock = Clock.systemUTC();
    private boolean maxAgeSet;
    private boolean clockSet;

    private Builder() {}

    private static byte[] checked(String name, byte[] secret) {
      requireNonNull(secret, name);
      if (secret.length < MINIMUM_SECRET_BYTES) {
        throw new IllegalArgumentException(
            name + " must have at least " + MINIMUM_SECRET_BYTES + " bytes, was " + secret.length);
      }
      return secret.clone();
    }

    /**
     * The secret that signs new tokens, shared by every node. Default: a random one, with a WARN.
     *
     * @throws IllegalArgumentException if shorter than {@link #MINIMUM_SECRET_BYTES}
     * @throws IllegalStateException if already set
     */
    public Builder secret(byte[] secret) {
      if (this.secret != null) {
        throw new IllegalStateException("secret was already set");
      }
      this.secret = checked("secret", secret);
      return this;
    }

    /**
     * Adds a secret that no longer signs but still verifies (key rotation: keep the old secret here
     * for at least the max age after switching). May be called several times.
     *
     * @throws IllegalArgumentException if shorter than {@link #MINIMUM_SECRET_BYTES}
     */
    public Builder previousSecret(byte[] secret) {
      previousSecrets.add(checked("previousSecret", secret));
      return this;
    }

    /**
     * How long a token is accepted after it was issued; pages get a fresh one in heartbeat answers
     * once theirs is past half of it, or sooner: past half the engine's tombstone TTL where that is
     * shorter (only a token younger than the tombstone TTL may start tracking a session the engine
     * does not know, see {@link BeaconHandler}). Default 12 hours.
     *
     * @throws IllegalArgumentException if shorter than two minutes
     * @throws IllegalStateException if already set
     */
    public Builder maxAge(Duration maxAge) {
      requireNonNull(maxAge, "maxAge");
      if (maxAgeSet) {
        throw new IllegalStateException("maxAge was already set");
      }
      if (maxAge.compareTo(Duration.ofMinutes(2)) < 0) {
        throw new IllegalArgumentException("maxAge must be >= 2 minutes, was " + maxAge);
      }
      this.maxAge = maxAge;
      maxAgeSet = true;
      return this;
    }

    /**
     * The clock for issue times and expiry; tests pass a fixed or offset clock. Default UTC system.
     *
     * @throws IllegalStateException if already set
     */
    public Builder clock(Clock clock) {
      requireNonNull(clock, "clock");
      if (clockSet) {
        throw new IllegalStateException("clock was already set");
      }
      this.clock = clock;
      clockSet = true;
      return this;
    }

    /** Builds the token issuer and verifier. */
    public PageTokens build() {
      return new PageTokens(this);
    }
  }
}
