package dev.farewell.sample;

import static java.util.Objects.requireNonNull;

import dev.farewell.ReleaseReason;
import java.time.Duration;
import java.time.Instant;

/**
 * One line of the sample's release log: whose seat was freed, why and when.
 *
 * @param sessionId the Farewell session key of the login
 * @param user the user name given at login
 * @param reason why the session was released
 * @param lastSignalAt when the last signal of any of its pages arrived
 * @param releasedAt when it was released
 */
public record ReleaseRecord(
    String sessionId, String user, ReleaseReason reason, Instant lastSignalAt, Instant releasedAt) {

  /** Checks that no component is null. */
  public ReleaseRecord {
    requireNonNull(sessionId, "sessionId");
    requireNonNull(user, "user");
    requireNonNull(reason, "reason");
    requireNonNull(lastSignalAt, "lastSignalAt");
    requireNonNull(releasedAt, "releasedAt");
  }

  /** How long after the last signal the session was released. */
  public Duration sinceLastSignal() {
    return Duration.between(lastSignalAt, releasedAt);
  }
}
