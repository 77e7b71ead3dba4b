package dev.farewell.beacon;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * A signed statement "pages holding this may signal for session {@code sessionKey}", issued by
 * {@link PageTokens} when the application serves a page and sent back by the page with every
 * message. It carries the session key in the clear (a key is never a secret) and an HMAC-SHA256
 * over the key and the time of issue.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PageToken {

  private final String value;
  private final String sessionKey;
  private final Instant issuedAt;
  private final Instant expiresAt;
  private final boolean currentSecret;

  PageToken(
      String value, String sessionKey, Instant issuedAt, Duration maxAge, boolean currentSecret) {
    this.value = requireNonNull(value);
    this.sessionKey = requireNonNull(sessionKey);
    this.issuedAt = requireNonNull(issuedAt);
    this.expiresAt = issuedAt.plus(maxAge);
    this.currentSecret = currentSecret;
  }

  /** Returns the token as sent over the wire (base64url, a dot, base64url). */
  public String value() {
    return value;
  }

  /** Returns the key of the session the token speaks for. */
  public String sessionKey() {
    return sessionKey;
  }

  /** Returns when the token was issued (to the second). */
  public Instant issuedAt() {
    return issuedAt;
  }

  /** Returns when the token stops being accepted. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** Whether the current secret signed it (false: a previous one, still accepted for rotation). */
  boolean signedWithCurrentSecret() {
    return currentSecret;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PageToken && ((PageToken) other).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** Returns the session key and times; the value is left out so that logs do not copy tokens. */
  @Override
  public String toString() {
    return "PageToken{session=" + sessionKey + ", issuedAt=" + issuedAt + ", expiresAt="
        + expiresAt + "}";
  }
}
