package dev.farewell.servlet;

import java.util.Collection;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The nonce a {@code Content-Security-Policy} header allows scripts by, if any. */
final class ScriptNonce {

  private static final Pattern NONCE = Pattern.compile("'nonce-([A-Za-z0-9+/=_-]+)'");
  /** A directive's name, then its value after ASCII whitespace (space, tab, CR, LF, FF). */
  private static final Pattern DIRECTIVE = Pattern.compile("[ \\t\\r\\n\\f]*([A-Za-z-]+)(.*)",
      Pattern.DOTALL);

  private ScriptNonce() {}

  /**
   * Returns the nonce every policy among {@code policies} (a response may carry several
   * {@code Content-Security-Policy} headers, each enforced) lets a script element run with, or
   * null. Per policy, the directive that governs script elements is {@code script-src-elem}, else
   * {@code script-src}, else {@code default-src}; directive names are case-insensitive.
   */
  static String of(Collection<String> policies) {
    String found = null;
    for (String policy : policies) {
      String nonce = of(policy);
      if (nonce != null && found == null) {
        found = nonce;
      }
    }
    return found;
  }

  /** {@link #of(Collection)} for one policy. */
  static String of(String policy) {
    if (policy == null) {
      return null;
    }
    String[] byRank = new String[3]; // script-src-elem, script-src, default-src
    for (String directive : policy.split(";")) {
      Matcher parts = DIRECTIVE.matcher(directive);
      if (!parts.matches()) {
        continue;
      }
      int rank = switch (parts.group(1).toLowerCase(Locale.ROOT)) {
        case "script-src-elem" -> 0;
        case "script-src" -> 1;
        case "default-src" -> 2;
        default -> -1;
      };
      Matcher nonce = NONCE.matcher(parts.group(2));
      if (rank >= 0 && byRank[rank] == null && nonce.find()) {
        byRank[rank] = nonce.group(1);
      }
    }
    for (String nonce : byRank) {
      if (nonce != null) {
        return nonce;
      }
    }
    return null;
  }
}
