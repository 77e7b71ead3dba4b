package dev.farewell.redis;

import dev.farewell.PageState;
import dev.farewell.PageView;
import dev.farewell.SessionState;
import dev.farewell.SessionView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a session hash as the scripts write it into a {@link SessionView}. */
final class SessionViews {

  private SessionViews() {}

  /** Empty when the hash is gone or a sweeper has claimed the session (it is being released). */
  static Optional<SessionView> of(String sessionKey, Map<String, String> hash, long nowMillis) {
    if (hash.isEmpty() || hash.containsKey("cl") || !hash.containsKey("st")) {
      return Optional.empty();
    }
    List<PageView> pages = new ArrayList<>();
    boolean[] alive = {false};
    hash.forEach((field, value) -> {
      if (field.startsWith("p:")) {
        String[] parts = value.split(",");
        PageState state = switch (parts[0]) {
          case "H" -> PageState.HIDDEN;
          case "E" -> PageState.EXITED;
          default -> PageState.VISIBLE;
        };
        pages.add(new PageView(field.substring(2), state, Long.parseLong(parts[1]),
            millis(parts[2]), millis(parts[3])));
        alive[0] |= state != PageState.EXITED && Long.parseLong(parts[3]) > nowMillis;
      }
    });
    pages.sort(Comparator.comparing(PageView::pageId));
    SessionState state = "X".equals(hash.get("st")) ? SessionState.EXITING
        : alive[0] ? SessionState.LIVE : SessionState.PENDING;
    return Optional.of(new SessionView(sessionKey, state, pages,
        AttributeCodec.decode(hash.getOrDefault("at", "")), millis(hash.get("tr")),
        millis(hash.get("ls")), millis(hash.get("dl"))));
  }

  private static Instant millis(String value) {
    return Instant.ofEpochMilli(Long.parseLong(value));
  }
}
