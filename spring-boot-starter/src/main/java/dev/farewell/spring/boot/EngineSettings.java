package dev.farewell.spring.boot;

import dev.farewell.Farewell;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
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
  static <T> T checked(Supplier<T> step) {
    return checked("farewell.", SETTING, Map.of(), step);
  }

  /**
   * The same for the properties under {@code prefix}: each name {@code settings} finds in the
   * complaint becomes {@code prefix} and its property, the name in kebab case unless {@code
   * renamed} gives another.
   */
  static <T> T checked(String prefix, Pattern settings, Map<String, String> renamed,
      Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalStateException("Invalid " + prefix + "* properties: "
          + inPropertyNames(e.getMessage(), prefix, settings, renamed), e);
    }
  }

  private static String inPropertyNames(String message, String prefix, Pattern settings,
      Map<String, String> renamed) {
    Matcher m = settings.matcher(String.valueOf(message));
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String setting = m.group(1);
      String property = renamed.getOrDefault(setting,
          setting.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT));
      m.appendReplacement(out, Matcher.quoteReplacement(prefix + property));
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
