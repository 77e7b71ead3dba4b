package dev.farewell;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The end of one session, as handed to the release actions. Each session is released exactly once.
 *
 * <p>A store shared by several nodes may run the actions of one release more than once (the node
 * running them died, or a reply from the store was lost); every run then carries the same {@link
 * #releaseId()}, so that an action can pass it on as an idempotency key.
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
 * @param releaseId identifies this release: the same for every run of its actions, on every node,
 *     and different for the next release of the same key
 */
public record Release(
    String sessionKey,
    ReleaseReason reason,
    Map<String, String> attributes,
    Instant trackedAt,
    Instant lastSignalAt,
    Instant dueAt,
    Instant releasedAt,
    String releaseId) {

  /**
   * A release whose id is derived from its session key and release time (a name-based UUID), as
   * the in-memory store releases sessions.
   *
   * @throws NullPointerException if any argument is null
   */
  public Release(
      String sessionKey,
      ReleaseReason reason,
      Map<String, String> attributes,
      Instant trackedAt,
      Instant lastSignalAt,
      Instant dueAt,
      Instant releasedAt) {
    this(sessionKey, reason, attributes, trackedAt, lastSignalAt, dueAt, releasedAt,
        derivedId(sessionKey, releasedAt));
  }

  /** Checks that no component is null and copies the attributes. */
  public Release {
    requireNonNull(sessionKey, "sessionKey");
    requireNonNull(reason, "reason");
    attributes = Map.copyOf(requireNonNull(attributes, "attributes"));
    requireNonNull(trackedAt, "trackedAt");
    requireNonNull(lastSignalAt, "lastSignalAt");
    requireNonNull(dueAt, "dueAt");
    requireNonNull(releasedAt, "releasedAt");
    requireNonNull(releaseId, "releaseId");
  }

  private static String derivedId(String sessionKey, Instant releasedAt) {
    requireNonNull(sessionKey, "sessionKey");
    requireNonNull(releasedAt, "releasedAt");
    String name = sessionKey + '\n' + releasedAt;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
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
