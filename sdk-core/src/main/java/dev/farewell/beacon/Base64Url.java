package dev.farewell.beacon;

/**
 * Decodes base64url without padding, and only in its one canonical spelling: no {@code =}, no
 * character outside the alphabet, and no bits set in the last character beyond the bytes it
 * carries (which a lenient decoder ignores, so that several strings would decode alike). Encodes
 * in that spelling into a given array, for a token assembled in one piece.
 */
final class Base64Url {

  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int[] VALUES = new int[128];

  static {
    java.util.Arrays.fill(VALUES, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = i;
    }
  }

  private Base64Url() {}

  /** How many characters {@code bytes} bytes take, unpadded. */
  static int encodedLength(int bytes) {
    return bytes / 3 * 4 + (bytes % 3 == 0 ? 0 : bytes % 3 + 1);
  }

  /**
   * Writes {@code bytes[from, to)} unpadded into {@code out} from {@code at} on, as ASCII bytes;
   * returns the index after the last one written.
   */
  static int encode(byte[] bytes, int from, int to, byte[] out, int at) {
    int i = from;
    for (; i + 3 <= to; i += 3) {
      int bits = (bytes[i] & 0xff) << 16 | (bytes[i + 1] & 0xff) << 8 | (bytes[i + 2] & 0xff);
      out[at++] = ALPHABET[bits >>> 18];
      out[at++] = ALPHABET[(bits >>> 12) & 0x3f];
      out[at++] = ALPHABET[(bits >>> 6) & 0x3f];
      out[at++] = ALPHABET[bits & 0x3f];
    }
    int left = to - i;
    if (left == 1) {
      int bits = bytes[i] & 0xff;
      out[at++] = ALPHABET[bits >>> 2];
      out[at++] = ALPHABET[(bits << 4) & 0x3f];
    } else if (left == 2) {
      int bits = (bytes[i] & 0xff) << 8 | (bytes[i + 1] & 0xff);
      out[at++] = ALPHABET[bits >>> 10];
      out[at++] = ALPHABET[(bits >>> 4) & 0x3f];
      out[at++] = ALPHABET[(bits << 2) & 0x3f];
    }
    return at;
  }

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
