package dev.farewell.internal;

/**
 * Page ids in the form the snippet draws them ({@code crypto.randomUUID()}: 36 characters, lower
 * case hex with dashes) fit in two longs; stored that way a page costs 64 bytes less than with a
 * {@code String} id and a lookup touches no id string. Other ids are kept as strings.
 */
final class PageIds {

  private static final int LENGTH = 36;

  private PageIds() {}

  /** Whether {@code id} is a lower-case canonical UUID (8-4-4-4-12 hex digits). */
  static boolean isCompact(String id) {
    if (id.length() != LENGTH) {
      return false;
    }
    for (int i = 0; i < LENGTH; i++) {
      char c = id.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          return false;
        }
      } else if (hexValue(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The first 64 bits of a compact id (its first 16 hex digits). */
  static long high(String id) {
    return hexDigits(id, 0, 18);
  }

  /** The last 64 bits of a compact id (its last 16 hex digits). */
  static long low(String id) {
    return hexDigits(id, 19, LENGTH);
  }

  /** The id of {@code high} and {@code low}, as the page sent it. */
  static String format(long high, long low) {
    char[] chars = new char[LENGTH];
    int position = LENGTH - 1;
    for (int i = 0; i < 16; i++, position--) {
      if (position == 23) {
        chars[position--] = '-';
      }
      chars[position] = Character.forDigit((int) (low >>> (4 * i)) & 0xf, 16);
    }
    chars[position--] = '-';
    for (int i = 0; i < 16; i++, position--) {
      if (position == 13 || position == 8) {
        chars[position--] = '-';
      }
      chars[position] = Character.forDigit((int) (high >>> (4 * i)) & 0xf, 16);
    }
    return new String(chars);
  }

  private static long hexDigits(String id, int from, int to) {
    long value = 0;
    for (int i = from; i < to; i++) {
      char c = id.charAt(i);
      if (c != '-') {
        value = (value << 4) | hexValue(c);
      }
    }
    return value;
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  }
}
