package dev.farewell.okhttp;

import java.time.Duration;
import java.time.Instant;
import okhttp3.Headers;

/** The {@code Retry-After} header of a 429 or 5xx answer (RFC 9110, section 10.2.3). */
final class RetryAfter {
  private RetryAfter() {}

  /**
   * Reads {@code Retry-After}: delay-seconds or an HTTP date. Returns null if absent or unreadable.
   */
  static Duration parse(Headers headers, Instant now) {
    String value = headers.get("Retry-After");
    if (value == null) {
      return null;
    }
    value = value.trim();
    if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return Duration.ofSeconds(Long.parseLong(value));
      } catch (NumberFormatException tooLong) {
        return Duration.ofSeconds(Long.MAX_VALUE);
      }
    }
    Instant date = headers.getInstant("Retry-After");
    if (date == null) {
      return null;
    }
    Duration wait = Duration.between(now, date);
    return wait.isNegative() ? Duration.ZERO : wait;
  }
}
