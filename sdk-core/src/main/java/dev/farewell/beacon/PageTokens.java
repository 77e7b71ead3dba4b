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
import java.util.List;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues, verifies and renews {@link PageToken}s: HMAC-SHA256 over (version, time the chain began,
 * time of issue, session key), base64url, compared in constant time, with a maximum age counted
 * from the chain's first token, and key rotation: the current secret begins new chains; a previous
 * secret still verifies and renews the chains it began, and removing it refuses them at once (a
 * renewal never moves a chain to another secret, so a leaked secret cannot be laundered into the
 * current one).
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

  private static final byte VERSION = 2;
  private static final int HEADER_BYTES = 1 + 2 * Long.BYTES;
  private static final int MAXIMUM_TOKEN_CHARS = 512;
  private static final int MAC_BYTES = HmacPool.MAC_BYTES;
  /** How far in the future a token's time of issue may be, for clocks that disagree. */
  private static final long CLOCK_SKEW_SECONDS = 60;

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

  /** Returns how long a chain of tokens is accepted after its first token was issued. */
  public Duration maxAge() {
    return maxAge;
  }

  /**
   * Issues a token for a session, signed with the current secret, issued now: the first of a new
   * chain, accepted (with its renewals) for the maximum age from now. Call it when serving a page.
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
    long issuedAt = clock.instant().getEpochSecond();
    return sign(0, sessionKey, key, issuedAt, issuedAt);
  }

  /**
   * A fresh token of {@code token}'s chain: issued at {@code now}, with the same session key, chain
   * start, expiry and secret.
   */
  PageToken renew(PageToken token, Instant now) {
    // (not before the token's own time: a token issued by a node whose clock runs ahead)
    long issuedAt = Math.max(now.getEpochSecond(), token.issuedSecond());
    String sessionKey = token.sessionKey();
    return sign(
        token.signer(),
        sessionKey,
        sessionKey.getBytes(StandardCharsets.UTF_8),
        token.firstIssuedSecond(),
        issuedAt);
  }

  /**
   * Signs a token; times in seconds since the epoch. The payload and its signature share one
   * array, and the token's characters are encoded into another, made into the token's string
   * once.
   */
  private PageToken sign(
      int signer, String sessionKey, byte[] key, long firstIssuedAt, long issuedAt) {
    int payloadLength = HEADER_BYTES + key.length;
    byte[] bytes = new byte[payloadLength + MAC_BYTES];
    bytes[0] = VERSION;
    putBigEndianLong(bytes, 1, firstIssuedAt);
    putBigEndianLong(bytes, 1 + Long.BYTES, issuedAt);
    System.arraycopy(key, 0, bytes, HEADER_BYTES, key.length);
    signers.get(signer).sign(bytes, payloadLength, bytes, payloadLength);
    int encodedPayload = Base64Url.encodedLength(payloadLength);
    byte[] chars = new byte[encodedPayload + 1 + Base64Url.encodedLength(MAC_BYTES)];
    int at = Base64Url.encode(bytes, 0, payloadLength, chars, 0);
    chars[at++] = '.';
    Base64Url.encode(bytes, payloadLength, bytes.length, chars, at);
    String value = new String(chars, StandardCharsets.ISO_8859_1);
    return new PageToken(value, sessionKey, firstIssuedAt, issuedAt, maxAge, signer);
  }

  /** Writes {@code value} big-endian into the eight bytes of {@code bytes} from {@code offset}. */
  private static void putBigEndianLong(byte[] bytes, int offset, long value) {
    for (int i = offset + Long.BYTES - 1; i >= offset; i--) {
      bytes[i] = (byte) value;
      value >>>= 8;
    }
  }

  /**
   * Verifies a token as received from a page.
   *
   * @return the token, or empty if it is malformed, forged, signed with a secret that is not
   *     configured, expired (its chain began more than the maximum age ago), or issued in the
   *     future; never throws for any input, null included
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
        || payload.length < HEADER_BYTES + 1
        || payload.length > HEADER_BYTES + MAXIMUM_KEY_BYTES) {
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
    if (payload[0] != VERSION) {
      return Optional.empty();
    }
    long firstSeconds = bigEndianLong(payload, 1);
    long seconds = bigEndianLong(payload, 1 + Long.BYTES);
    String sessionKey;
    int keyStart = HEADER_BYTES;
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
                .decode(ByteBuffer.wrap(payload, keyStart, payload.length - keyStart));
        sessionKey = chars.toString();
      } catch (CharacterCodingException e) {
        return Optional.empty();
      }
    }
    // In whole seconds, without an Instant per check (times of issue have no fraction):
    // refused when out of Instant's range, the chain began after the token was issued, the token
    // was issued more than the clock skew after now, or the chain's expiry is not after now.
    long nowSecond = now.getEpochSecond();
    if (firstSeconds < Instant.MIN.getEpochSecond()
        || seconds > Instant.MAX.getEpochSecond()
        || firstSeconds > seconds
        || seconds - CLOCK_SKEW_SECONDS > nowSecond
        || compare(firstSeconds, maxAge.getSeconds(), maxAge.getNano(), now) <= 0) {
      return Optional.empty();
    }
    return Optional.of(new PageToken(value, sessionKey, firstSeconds, seconds, maxAge, signer));
  }

  /** The eight bytes of {@code bytes} from {@code offset} on, big-endian. */
  private static long bigEndianLong(byte[] bytes, int offset) {
    long value = 0;
    for (int i = offset; i < offset + Long.BYTES; i++) {
      value = (value << 8) | (bytes[i] & 0xff);
    }
    return value;
  }

  /**
   * Compares {@code second} (whole, since the epoch) plus {@code seconds} and {@code nanos} (0 to
   * 999,999,999) with {@code now}: negative, zero or positive as it is before, at or after. A sum
   * beyond the range of {@code long} is after (or before) every instant.
   */
  private static int compare(long second, long seconds, int nanos, Instant now) {
    long sum = second + seconds;
    if (((second ^ sum) & (seconds ^ sum)) < 0) {
      return (seconds > 0) ? 1 : -1; // overflowed
    }
    int bySecond = Long.compare(sum, now.getEpochSecond());
    return (bySecond != 0) ? bySecond : Integer.compare(nanos, now.getNano());
  }

  /**
   * Whether a page should get a fresh token: its own was issued half the maximum age ago or more.
   * The beacon handler renews sooner, once a token is past half of the engine's tombstone TTL
   * where that is shorter than the maximum age, and only for signals the engine accepted (see
   * {@link BeaconHandler}). A fresh token keeps the expiry of the one it renews.
   *
   * @throws NullPointerException if {@code token} is null
   */
  public boolean shouldRefresh(PageToken token) {
    return shouldRefresh(token, maxAge, clock.instant());
  }

  /**
   * Whether a page should get a fresh token: its own was issued at least half of the smaller of
   * the maximum age and {@code adoptionWindow} ago.
   */
  boolean shouldRefresh(PageToken token, Duration adoptionWindow, Instant now) {
    requireNonNull(token, "token");
    Duration life = adoptionWindow.compareTo(maxAge) < 0 ? adoptionWindow : maxAge;
    // life / 2, without Duration.dividedBy's BigDecimal nor an Instant (this runs for every
    // heartbeat): refresh unless issued + life / 2 is after now
    long seconds = life.getSeconds();
    int halfNanos = (int) (((seconds % 2) * 1_000_000_000L + life.getNano()) / 2);
    return compare(token.issuedSecond(), seconds / 2, halfNanos, now) <= 0;
  }

  /**
   * Whether {@code token} was issued no longer than {@code window} ago by this instance's clock. A
   * token issued up to the allowed clock skew in the future counts as issued now.
   */
  boolean issuedWithin(PageToken token, Duration window, Instant now) {
    return compare(token.issuedSecond(), window.getSeconds(), window.getNano(), now) >= 0;
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
     * Adds a secret that no longer begins chains of tokens but still verifies the tokens it signed,
     * and renews them under itself (a renewal never moves a chain to another secret). Key
     * rotation: make the new secret current and keep the old one here for the maximum age; by
     * then every chain it began has ended. A secret that leaked must not be kept here: leave it
     * out and its tokens are refused at once, renewals included. May be called several times.
     *
     * @throws IllegalArgumentException if shorter than {@link #MINIMUM_SECRET_BYTES}
     */
    public Builder previousSecret(byte[] secret) {
      previousSecrets.add(checked("previousSecret", secret));
      return this;
    }

    /**
     * How long a chain of tokens is accepted after its first token was issued (the page was
     * served): the longest a page can signal without being served again. Pages get a fresh token
     * in heartbeat answers once theirs is past half of this, or sooner: past half the engine's
     * tombstone TTL where that is shorter (only a token younger than the tombstone TTL may start
     * tracking a session the engine does not know, see {@link BeaconHandler}); a fresh token keeps
     * its chain's start and expiry. Default 12 hours.
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
