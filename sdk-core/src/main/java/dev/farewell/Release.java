package dev.farewell;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The end of one session, as handed to the release actions. Each session is released exactly once.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param sessionKey the application's key of the session
 * @param reason why it was released
 * @param attributes what the application attached when it tracked the session (an SSO ticket, a
 *     user id); never null, unmodifiable
 * @param trackedAt when the engine first saw the session
 * @param lastSignalAt when the last accepted signal of any of its pages arrived ({@code trackedAt}
 *     if none ever did)
 * @param dueAt when the session became due for release (its deadline; for {@code EXPLICIT} and
 *     {@code SHUTDOWN}, the moment of the call)
 * @param releasedAt when the engine released it
 */
public record Release(
    String sessionKey,
    ReleaseReason reason,
    Map<String, String> attributes,
    Instant trackedAt,
    Instant lastSignalAt,
    Instant dueAt,
    Instant releasedAt) {

  /** Checks that no component is null and copies the attributes. */
  public Release {
    requireNonNull(sessionKey, "sessionKey");
    requireNonNull(reason, "reason");
    attributes = Map.copyOf(requireNonNull(attributes, "attributes"));
    requireNonNull(trackedAt, "trackedAt");
    requireNonNull(lastSignalAt, "lastSignalAt");
    requireNonNull(dueAt, "dueAt");
    requireNonNull(releasedAt, "releasedAt");
  }

  /** How long after its last signal the session was released. */
  public Duration sinceLastSignal() {
    return Duration.between(lastSignalAt, releasedAt);
  }

  /** How long after it became due the session was released (the engine's lateness). */
  public Duration lateness() {
    return Duration.between(dueAt, releasedAt);
  }
}
