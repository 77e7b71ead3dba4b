package dev.farewell.servlet;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The nonce a {@code Content-Security-Policy} header allows scripts by, if any. */
final class ScriptNonce {

  private static final Pattern NONCE = Pattern.compile("'nonce-([A-Za-z0-9+/=_-]+)'");

  private ScriptNonce() {}

  /**
   * Returns the nonce of {@code policy}'s {@code script-src} directive, else of its {@code
   * default-src} (which stands in for a missing {@code script-src}), or null.
   */
  static String of(String policy) {
    if (policy == null) {
      return null;
    }
    String fallback = null;
    for (String directive : policy.split(";")) {
      String trimmed = directive.trim();
      Matcher nonce = NONCE.matcher(trimmed);
      if (trimmed.startsWith("script-src ") && nonce.find()) {
        return nonce.group(1);
      }
      if (trimmed.startsWith("default-src ") && nonce.find()) {
        fallback = nonce.group(1);
      }
    }
    return fallback;
  }
}
