package dev.farewell;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A read-only picture of one live session, for dashboards and tests. It is a copy: it does not
 * change when the session does.
 *
 * @param sessionKey the application's key
 * @param state the session's state
 * @param pages its pages, exited ones included until they are pruned
 * @param attributes what the application attached when it tracked the session
 * @param trackedAt when the engine first saw the session
 * @param lastSignalAt when the newest accepted signal of any of its pages arrived
 * @param deadline when the session is released if nothing more arrives
 */
public record SessionView(
    String sessionKey,
    SessionState state,
    List<PageView> pages,
    Map<String, String> attributes,
    Instant trackedAt,
    Instant lastSignalAt,
    Instant deadline) {

  /** Checks that no component is null and copies the collections. */
  public SessionView {
    requireNonNull(sessionKey, "sessionKey");
    requireNonNull(state, "state");
    pages = List.copyOf(pages);
    attributes = Map.copyOf(attributes);
    requireNonNull(trackedAt, "trackedAt");
    requireNonNull(lastSignalAt, "lastSignalAt");
    requireNonNull(deadline, "deadline");
  }
}
