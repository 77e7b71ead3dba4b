package dev.farewell.spring.boot;

import static java.util.Objects.requireNonNull;

import dev.farewell.Farewell;
import dev.farewell.FarewellStats;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.ReleaseStats;
import dev.farewell.SignalType;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The Actuator endpoint {@code farewell} ({@code /actuator/farewell} once the application exposes
 * it): the engine's counts and its most recent releases. It shows no session key and no attribute
 * of a session (a key may be a session id, an attribute a ticket): a release is shown by its
 * release id, reason and times. Exposed and secured like every other endpoint: not over the web
 * unless {@code management.endpoints.web.exposure.include} names it.
 */
@Endpoint(id = "farewell")
public class FarewellEndpoint {

  private final Farewell farewell;
  private final RecentReleases recent;

  FarewellEndpoint(Farewell farewell, RecentReleases recent) {
    this.farewell = requireNonNull(farewell, "farewell");
    this.recent = requireNonNull(recent, "recent");
  }

  /** Returns the engine's counts now and its most recent releases, newest first. */
  @ReadOperation
  public Report report() {
    FarewellStats stats = farewell.stats();
    Map<String, Map<String, Long>> signals = new LinkedHashMap<>();
    for (SignalType type : SignalType.values()) {
      Map<String, Long> outcomes = new LinkedHashMap<>();
      for (FarewellStats.Outcome outcome : FarewellStats.Outcome.values()) {
        long count = stats.signals(type, outcome);
        if (count > 0) {
          outcomes.put(name(outcome), count);
        }
      }
      signals.put(name(type), outcomes);
    }
    Map<String, Long> releases = new LinkedHashMap<>();
    for (ReleaseReason reason : ReleaseReason.values()) {
      releases.put(name(reason), stats.releases(reason));
    }
    Long sessions;
    try {
      sessions = farewell.size();
    } catch (RuntimeException e) {
      sessions = null; // a shared store that cannot be reached: the rest is still worth showing
    }
    return new Report(sessions, stats.storeUp(), stats.releaseBacklog(), signals, releases,
        stats.actions(), recent.newestFirst());
  }

  private static String name(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }

  /**
   * What the endpoint shows.
   *
   * @param sessions live sessions now; null when the store cannot count them now
   * @param storeUp whether the session store serves this node
   * @param releaseBacklog releases decided and not acted on yet
   * @param signals signals by type, then by outcome (outcomes never seen left out)
   * @param releases sessions released, by reason
   * @param actions the release pipeline's counters
   * @param recentReleases the most recent releases (at most 50), newest first
   */
  public record Report(
      Long sessions,
      boolean storeUp,
      long releaseBacklog,
      Map<String, Map<String, Long>> signals,
      Map<String, Long> releases,
      ReleaseStats actions,
      List<RecentRelease> recentReleases) {}

  /**
   * One release, as the endpoint shows it: no session key, no attributes.
   *
   * @param releaseId the release's id (see {@link Release#releaseId()})
   * @param reason why the session was released
   * @param trackedAt when the engine first saw the session
   * @param dueAt when it became due
   * @param releasedAt when it was released
   * @param lateness how long after it became due, as an ISO-8601 duration
   */
  public record RecentRelease(
      String releaseId,
      String reason,
      Instant trackedAt,
      Instant dueAt,
      Instant releasedAt,
      Duration lateness) {

    static RecentRelease of(Release release) {
      return new RecentRelease(release.releaseId(), name(release.reason()), release.trackedAt(),
          release.dueAt(), release.releasedAt(), release.lateness());
    }
  }
}
