package dev.farewell.beacon;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * A signed statement "pages holding this may signal for session {@code sessionKey}", issued by
 * {@link PageTokens} when the application serves a page and sent back by the page with every
 * message. It carries the session key in the clear (a key is never a secret), the time the page
 * was served (when the first token of its chain was issued; renewals keep it), its own time of
 * issue, and an HMAC-SHA256 over all three. No chain of renewals outlives the maximum age counted
 * from the first issue.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PageToken {

  private final String value;
  private final String sessionKey;
  /** When the chain began and when this token was issued, in seconds since the epoch. */
  private final long firstIssuedSecond;
  private final long issuedSecond;
  private final Duration maxAge;
  private final int signer;

  PageToken(
      String value,
      String sessionKey,
      long firstIssuedSecond,
      long issuedSecond,
      Duration maxAge,
      int signer) {
    this.value = requireNonNull(value);
    this.sessionKey = requireNonNull(sessionKey);
    this.firstIssuedSecond = firstIssuedSecond;
    this.issuedSecond = issuedSecond;
    this.maxAge = requireNonNull(maxAge);
    this.signer = signer;
  }

  /** Returns the token as sent over the wire (base64url, a dot, base64url). */
  public String value() {
    return value;
  }

  /** Returns the key of the session the token speaks for. */
  public String sessionKey() {
    return sessionKey;
  }

  /**
   * Returns when the first token of this token's chain was issued (the page was served), to the
   * second; equal to {@link #issuedAt()} for a token that is no renewal.
   */
  public Instant firstIssuedAt() {
    return Instant.ofEpochSecond(firstIssuedSecond);
  }

  /** Returns when this token was issued (to the second). */
  public Instant issuedAt() {
    return Instant.ofEpochSecond(issuedSecond);
  }

  /**
   * Returns when the token stops being accepted: the maximum age after {@link #firstIssuedAt()}
   * ({@link Instant#MAX} if that is later). Renewals carry the same time.
   */
  public Instant expiresAt() {
    Instant first = firstIssuedAt();
    // (a maximum age of centuries: past the largest instant, the token does not expire)
    return maxAge.compareTo(Duration.between(first, Instant.MAX)) >= 0
        ? Instant.MAX
        : first.plus(maxAge);
  }

  /** {@link #firstIssuedAt()} in seconds since the epoch. */
  long firstIssuedSecond() {
    return firstIssuedSecond;
  }

  /** {@link #issuedAt()} in seconds since the epoch. */
  long issuedSecond() {
    return issuedSecond;
  }

  /** Which of the configured secrets signed it (0: the current one); renewals keep it. */
  int signer() {
    return signer;
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
    return "PageToken{session=" + sessionKey + ", firstIssuedAt=" + firstIssuedAt()
        + ", issuedAt=" + issuedAt() + ", expiresAt=" + expiresAt() + "}";
  }
}
