package dev.farewell.internal;

import dev.farewell.spi.SessionRules;
import java.time.Duration;

/**
 * The rules of {@link SessionRules} in ticker nanoseconds, capped so that adding one to a ticker
 * reading cannot overflow. Immutable.
 */
final class Timeouts {

  /** About 73 years: a longer duration means "never" and is treated as this. */
  static final long MAXIMUM_NANOS = Long.MAX_VALUE >> 2;

  final long heartbeat;
  final long hidden;
  final long exitGrace;
  final long navigationGrace;
  final long open;
  final long tombstoneTtl;
  final int maximumPages;

  Timeouts(SessionRules rules) {
    this.heartbeat = nanos(rules.heartbeatTimeout());
    this.hidden = nanos(rules.hiddenTimeout());
    this.exitGrace = nanos(rules.exitGrace());
    this.navigationGrace = nanos(rules.navigationGrace());
    this.open = nanos(rules.openTimeout());
    this.tombstoneTtl = nanos(rules.tombstoneTtl());
    this.maximumPages = rules.maximumPagesPerSession();
  }

  static long nanos(Duration duration) {
    if (duration.compareTo(Duration.ofNanos(MAXIMUM_NANOS)) >= 0) {
      return MAXIMUM_NANOS;
    }
    return duration.toNanos();
  }
}
