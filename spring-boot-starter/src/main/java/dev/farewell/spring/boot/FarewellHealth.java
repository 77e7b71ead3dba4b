package dev.farewell.spring.boot;

import dev.farewell.Farewell;
import dev.farewell.FarewellStats;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the {@code farewell} health indicator says, whichever Actuator (Boot 4's {@code
 * org.springframework.boot.health} or Boot 3's {@code org.springframework.boot.actuate.health})
 * shows it: DOWN while the store cannot serve this node, DEGRADED while more releases wait for their
 * actions than {@code farewell.health.maximum-release-backlog}, UP otherwise.
 */
final class FarewellHealth {

  /** The status code of a release backlog over its limit. */
  static final String DEGRADED = "DEGRADED";

  private final Farewell farewell;
  private final long maximumBacklog;

  FarewellHealth(Farewell farewell, long maximumBacklog) {
    this.farewell = farewell;
    this.maximumBacklog = maximumBacklog;
  }

  /** The status and details now. */
  Check check() {
    FarewellStats stats = farewell.stats();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("storeUp", stats.storeUp());
    details.put("releaseBacklog", stats.releaseBacklog());
    details.put("maximumReleaseBacklog", maximumBacklog);
    String status;
    if (farewell.isClosed() || !stats.storeUp()) {
      status = "DOWN";
    } else if (stats.releaseBacklog() > maximumBacklog) {
      status = DEGRADED;
    } else {
      status = "UP";
    }
    return new Check(status, details);
  }

  /** A status code and its details. */
  record Check(String status, Map<String, Object> details) {}
}
