package dev.farewell.beacon;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which web origins may send signals to the beacon endpoint. The server's own origin always may;
 * other origins only when listed here, and they then get CORS answers (preflight included).
 *
 * <p>A request whose {@code Origin} header names another origin, or that says {@code
 * Sec-Fetch-Site: cross-site} without naming an allowed origin, is refused with 403 and changes
 * nothing. Instances are immutable and thread-safe.
 */
public final class OriginPolicy {

  private static final OriginPolicy SAME_ORIGIN = new OriginPolicy(Set.of());

  private final Set<String> allowed;

  private OriginPolicy(Set<String> allowed) {
    this.allowed = allowed;
  }

  /** Returns the policy that allows the server's own origin only (the default). */
  public static OriginPolicy sameOrigin() {
    return SAME_ORIGIN;
  }

  /**
   * Returns a policy that allows the server's own origin and the given ones.
   *
   * @param origins origins as a browser sends them, {@code scheme://host[:port]}, without path
   * @throws NullPointerException if {@code origins} or one of them is null
   * @throws IllegalArgumentException if one is not an http(s) origin (the message says which)
   */
  public static OriginPolicy allowing(Collection<String> origins) {
    requireNonNull(origins, "origins");
    Set<String> normalized = new LinkedHashSet<>();
    for (String origin : origins) {
      requireNonNull(origin, "origin");
      String value = normalize(origin);
      if (value == null) {
        throw new IllegalArgumentException(
            "origin must look like https://host[:port] with no path, was \"" + origin + "\"");
      }
      normalized.add(value);
    }
    return new OriginPolicy(Set.copyOf(normalized));
  }

  /** Same as {@link #allowing(Collection)}. */
  public static OriginPolicy allowing(String... origins) {
    return allowing(java.util.List.of(requireNonNull(origins, "origins")));
  }

  /** Returns the allowed origins besides the server's own, normalized; unmodifiable. */
  public Set<String> allowedOrigins() {
    return allowed;
  }

  /** Whether {@code origin} (normalized) is one of the listed ones. */
  boolean allowsListed(String normalizedOrigin) {
    return normalizedOrigin != null && allowed.contains(normalizedOrigin);
  }

  /**
   * Normalizes an origin to lower-case {@code scheme://host[:port]} without the scheme's default
   * port, or returns null if it is not an http(s) origin ({@code "null"} included).
   */
  static String normalize(String origin) {
    if (origin == null || origin.length() > 300) {
      return null;
    }
    if (isCanonical(origin)) {
      return origin; // what browsers send: nothing to parse
    }
    return parsed(origin);
  }

  /**
   * Whether {@code origin} is already in the form {@link #normalize} gives (lower-case {@code http}
   * or {@code https}, a lower-case DNS name or IPv4 address, no default port), so that parsing it
   * would return it unchanged. False for anything else, which is then parsed.
   */
  static boolean isCanonical(String origin) {
    int hostStart;
    int defaultPort;
    if (origin.startsWith("https://")) {
      hostStart = 8;
      defaultPort = 443;
    } else if (origin.startsWith("http://")) {
      hostStart = 7;
      defaultPort = 80;
    } else {
      return false;
    }
    int length = origin.length();
    int i = hostStart;
    int labelStart = i;
    boolean letter = false;
    while (i < length && origin.charAt(i) != ':') {
      char c = origin.charAt(i);
      if (c == '.') {
        if (i == labelStart || origin.charAt(i - 1) == '-') {
          return false;
        }
        labelStart = i + 1;
      } else if (c == '-') {
        if (i == labelStart) {
          return false;
        }
      } else if (c >= 'a' && c <= 'z') {
        letter = true;
      } else if (c < '0' || c > '9') {
        return false;
      }
      i++;
    }
    // A name's last label starts with a letter (else it is an IPv4 address, or not a host at all).
    if (i == labelStart || origin.charAt(i - 1) == '-'
        || letter && !(origin.charAt(labelStart) >= 'a' && origin.charAt(labelStart) <= 'z')) {
      return false;
    }
    if (!letter && !isIpv4(origin, hostStart, i)) {
      return false;
    }
    if (i == length) {
      return true;
    }
    // ":" then 1 to 5 digits, no leading zero, at most 65535, not the scheme's default port
    int digits = length - i - 1;
    if (digits < 1 || digits > 5 || origin.charAt(i + 1) == '0') {
      return false;
    }
    int port = 0;
    for (int j = i + 1; j < length; j++) {
      char c = origin.charAt(j);
      if (c < '0' || c > '9') {
        return false;
      }
      port = port * 10 + (c - '0');
    }
    return port <= 65535 && port != defaultPort;
  }

  /** Four dot-separated decimal numbers from 0 to 255 without leading zeros. */
  private static boolean isIpv4(String s, int from, int to) {
    int parts = 0;
    int i = from;
    while (i < to) {
      int start = i;
      int value = 0;
      while (i < to && s.charAt(i) != '.') {
        value = value * 10 + (s.charAt(i) - '0');
        i++;
      }
      int digits = i - start;
      if (digits < 1 || digits > 3 || value > 255 || digits > 1 && s.charAt(start) == '0') {
        return false;
      }
      parts++;
      i++; // the dot
    }
    return parts == 4 && s.charAt(to - 1) != '.';
  }

  /** {@link #normalize} for any form: parsed as a URI. */
  static String parsed(String origin) {
    URI uri;
    try {
      uri = new URI(origin.trim());
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme();
    String host = uri.getHost();
    if (scheme == null || host == null || uri.getRawUserInfo() != null
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return null;
    }
    String path = uri.getRawPath();
    if (path != null && !path.isEmpty()) {
      return null;
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    if (scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443) {
      port = -1;
    } else if (!scheme.equals("http") && !scheme.equals("https")) {
      return null;
    }
    return scheme + "://" + host.toLowerCase(Locale.ROOT) + (port == -1 ? "" : ":" + port);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof OriginPolicy && ((OriginPolicy) other).allowed.equals(allowed);
  }

  @Override
  public int hashCode() {
    return allowed.hashCode();
  }

  @Override
  public String toString() {
    return "OriginPolicy{same origin" + (allowed.isEmpty() ? "" : " and " + allowed) + "}";
  }
}
