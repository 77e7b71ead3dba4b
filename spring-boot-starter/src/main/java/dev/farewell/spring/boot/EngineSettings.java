package dev.farewell.spring.boot;

import dev.farewell.Farewell;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Copies the engine's {@code farewell.*} properties that are set onto a builder. */
final class EngineSettings {

  private static final Pattern SETTING = Pattern.compile("\\b([a-z]+(?:[A-Z][a-z]*)+)\\b");

  private EngineSettings() {}

  /**
   * Runs {@code step} (setting or building), turning the builder's complaint about a setting into
   * one about its property: "heartbeatTimeout must be > heartbeatInterval" becomes
   * "farewell.heartbeat-timeout must be > farewell.heartbeat-interval".
   */
  static <T> T checked(java.util.function.Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalStateException(
          "Invalid farewell.* properties: " + inPropertyNames(e.getMessage()), e);
    }
  }

  static String inPropertyNames(String message) {
    Matcher m = SETTING.matcher(String.valueOf(message));
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String kebab = m.group(1).replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
      m.appendReplacement(out, Matcher.quoteReplacement("farewell." + kebab));
    }
    m.appendTail(out);
    return out.toString();
  }

  static Farewell.Builder apply(FarewellProperties p, Farewell.Builder b) {
    set(p.getHeartbeatInterval(), b::heartbeatInterval);
    set(p.getHeartbeatTimeout(), b::heartbeatTimeout);
    set(p.getHiddenTimeout(), b::hiddenTimeout);
    set(p.getExitGrace(), b::exitGrace);
    set(p.getNavigationGrace(), b::navigationGrace);
    set(p.getOpenTimeout(), b::openTimeout);
    set(p.getTombstoneTtl(), b::tombstoneTtl);
    set(p.getMaximumTombstones(), b::maximumTombstones);
    set(p.getMaximumSessions(), b::maximumSessions);
    set(p.getMaximumPagesPerSession(), b::maximumPagesPerSession);
    set(p.getMaximumPendingReleases(), b::maximumPendingReleases);
    set(p.getReleaseOnClose(), b::releaseOnClose);
    set(p.getShutdownTimeout(), b::shutdownTimeout);
    return b;
  }

  private static <T> void set(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }
}
