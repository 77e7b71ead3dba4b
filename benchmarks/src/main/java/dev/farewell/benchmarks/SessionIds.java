package dev.farewell.benchmarks;

import java.util.SplittableRandom;

/**
 * Session keys as applications make them: 22 characters of base64url (128 random bits), the
 * shape of the servlet adapter's Farewell ids. Deterministic for a seed, so a figure and its
 * baseline hold the same ids.
 */
final class SessionIds {

  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

  private SessionIds() {}

  static String[] generate(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String[] ids = new String[count];
    for (int i = 0; i < count; i++) {
      ids[i] = next(random);
    }
    return ids;
  }

  static String next(SplittableRandom random) {
    return next(random, 22);
  }

  /** Returns a random id of {@code length} base64url characters (a page id has 16). */
  static String next(SplittableRandom random, int length) {
    char[] id = new char[length];
    for (int i = 0; i < id.length; i++) {
      id[i] = ALPHABET[random.nextInt(64)];
    }
    return new String(id);
  }
}
