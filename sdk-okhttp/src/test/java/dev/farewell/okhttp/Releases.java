package dev.farewell.okhttp;

import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import java.time.Instant;
import java.util.Map;

/** Releases for tests. */
final class Releases {
  private Releases() {}

  static Release of(String key, Map<String, String> attributes) {
    Instant now = Instant.now();
    return new Release(key, ReleaseReason.EXIT, attributes, now, now, now, now);
  }

  static Release of(String key) {
    return of(key, Map.of());
  }
}
