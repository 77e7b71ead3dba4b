package dev.farewell.beacon;

/**
 * Decodes base64url without padding, and only in its one canonical spelling: no {@code =}, no
 * character outside the alphabet, and no bits set in the last character beyond the bytes it
 * carries (which a lenient decoder ignores, so that several strings would decode alike).
 */
final class Base64Url {

  private static final int[] VALUES = new int[128];

  static {
    java.util.Arrays.fill(VALUES, -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < alphabet.length(); i++) {
      VALUES[alphabet.charAt(i)] = i;
    }
  }

  private Base64Url() {}

  /** The bytes of {@code text[from, to)}, or null if it is not canonical unpadded base64url. */
  static byte[] decode(String text, int from, int to) {
    int length = to - from;
    int tail = length % 4;
    if (tail == 1) {
      return null;
    }
    byte[] bytes = new byte[length / 4 * 3 + (tail == 0 ? 0 : tail - 1)];
    int out = 0;
    int at = from;
    for (int end = to - tail; at < end; at += 4) {
      int quad =
          value(text.charAt(at)) << 18
              | value(text.charAt(at + 1)) << 12
              | value(text.charAt(at + 2)) << 6
              | value(text.charAt(at + 3));
      if (quad < 0) {
        return null;
      }
      bytes[out++] = (byte) (quad >> 16);
      bytes[out++] = (byte) (quad >> 8);
      bytes[out++] = (byte) quad;
    }
    if (tail == 2) {
      int first = value(text.charAt(at));
      int second = value(text.charAt(at + 1));
      if (first < 0 || second < 0 || (second & 0xf) != 0) {
        return null;
      }
      bytes[out] = (byte) (first << 2 | second >> 4);
    } else if (tail == 3) {
      int first = value(text.charAt(at));
      int second = value(text.charAt(at + 1));
      int third = value(text.charAt(at + 2));
      if (first < 0 || second < 0 || third < 0 || (third & 0x3) != 0) {
        return null;
      }
      bytes[out++] = (byte) (first << 2 | second >> 4);
      bytes[out] = (byte) (second << 4 | third >> 2);
    }
    return bytes;
  }

  /** The character's value in the alphabet, or -1: shifted and or-ed, it makes a quad negative. */
  private static int value(char c) {
    return (c < 128) ? VALUES[c] : -1;
  }
}
