package dev.farewell.okhttp;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** How a template value is made safe for the place it goes. */
final class Encoding {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private Encoding() {}

  /**
   * Percent-encodes every byte except RFC 3986's unreserved characters, so a value stays one path
   * segment or one query value whatever it holds ({@code /}, {@code ?}, {@code &}, {@code #}).
   */
  static String url(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  /** Encodes a value of an {@code application/x-www-form-urlencoded} body. */
  static String form(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Escapes a value for the inside of a JSON string (the template supplies the quotes). */
  static String json(String value) {
    StringBuilder out = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          // U+2028/2029 are legal JSON but break JavaScript that evals it.
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** Header values: as they are (OkHttp refuses control characters, failing the action). */
  static String header(String value) {
    return value;
  }
}
