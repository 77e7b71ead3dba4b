package dev.farewell.redis;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a session's attributes as one string field, {@code length:key length:value} repeated,
 * so the scripts can keep them without parsing them.
 */
final class AttributeCodec {

  private AttributeCodec() {}

  static String encode(Map<String, String> attributes) {
    StringBuilder out = new StringBuilder();
    attributes.forEach((k, v) -> out.append(k.length()).append(':').append(k)
        .append(v.length()).append(':').append(v));
    return out.toString();
  }

  static Map<String, String> decode(String encoded) {
    Map<String, String> map = new LinkedHashMap<>();
    int[] at = {0};
    while (at[0] < encoded.length()) {
      String key = next(encoded, at);
      String value = next(encoded, at);
      map.put(key, value);
    }
    return map;
  }

  private static String next(String encoded, int[] at) {
    int colon = encoded.indexOf(':', at[0]);
    if (colon < 0) {
      throw new IllegalArgumentException("malformed attributes at " + at[0]);
    }
    int length = Integer.parseInt(encoded, at[0], colon, 10);
    String part = encoded.substring(colon + 1, colon + 1 + length);
    at[0] = colon + 1 + length;
    return part;
  }
}
