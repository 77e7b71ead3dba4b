package dev.farewell.internal;

/**
 * Page ids in the form the snippet draws them ({@code crypto.randomUUID()}: 36 characters, lower
 * case hex with dashes) fit in two longs; stored that way a page costs 64 bytes less than with a
 * {@code String} id and a lookup touches no id string. Other ids are kept as strings.
 */
public final class PageIds {

  static final int LENGTH = 36;

  /** The value of each lower-case hex digit, -1 for any other character below 128. */
  private static final byte[] HEX = new byte[128];

  static {
    java.util.Arrays.fill(HEX, (byte) -1);
    for (int c = '0'; c <= '9'; c++) {
      HEX[c] = (byte) (c - '0');
    }
    for (int c = 'a'; c <= 'f'; c++) {
      HEX[c] = (byte) (c - 'a' + 10);
    }
  }

  private PageIds() {}

  /** Whether {@code id} is a lower-case canonical UUID (8-4-4-4-12 hex digits). */
  public static boolean isCompact(String id) {
    // the groups of digits, any of which is negative if one of its digits is not a hex digit
    return hasCompactShape(id)
        && (digits(id, 0, 8) | digits(id, 9, 13) | digits(id, 14, 18) | digits(id, 19, 23)
                | digits(id, 24, LENGTH))
            >= 0;
  }

  /** Whether {@code id} has a compact id's length and dashes (its digits are not checked). */
  static boolean hasCompactShape(String id) {
    return id.length() == LENGTH
        && id.charAt(8) == '-'
        && id.charAt(13) == '-'
        && id.charAt(18) == '-'
        && id.charAt(23) == '-';
  }

  /**
   * The hex digits of {@code id} from {@code from} to {@code to} (at most 15 of them) as a number,
   * or a negative number if one of them is not a lower-case hex digit.
   */
  static long digits(String id, int from, int to) {
    long value = 0;
    int bad = 0;
    for (int i = from; i < to; i++) {
      char c = id.charAt(i);
      int digit = (c < 128) ? HEX[c] : -1;
      bad |= digit;
      value = (value << 4) | (digit & 0xf);
    }
    return (bad < 0) ? -1 : value;
  }

  /** The first 64 bits of a compact id (its first 16 hex digits). */
  static long high(String id) {
    return (digits(id, 0, 8) << 32) | (digits(id, 9, 13) << 16) | digits(id, 14, 18);
  }

  /** The last 64 bits of a compact id (its last 16 hex digits). */
  static long low(String id) {
    return (digits(id, 19, 23) << 48) | digits(id, 24, LENGTH);
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
}
