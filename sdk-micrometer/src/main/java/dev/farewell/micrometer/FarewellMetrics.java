package dev.farewell.micrometer;

import static java.util.Objects.requireNonNull;

import dev.farewell.Farewell;
import dev.farewell.FarewellStats;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.ReleaseStats;
import dev.farewell.SignalType;
import dev.farewell.beacon.BeaconHandler;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds a Farewell engine's metrics to a Micrometer {@link MeterRegistry}: live sessions and pages,
 * signals by type and outcome, releases by reason, how late releases came, the release actions'
 * outcomes and retries, the store's state and release backlog, and, when given the beacon handler,
 * its refusals by HTTP status. docs/metrics.md lists every meter.
 *
 * <pre>{@code
 * new FarewellMetrics(beaconHandler).bindTo(registry);
 * }</pre>
 *
 * <p>Counters and gauges read {@link Farewell#stats()} when the registry publishes; the lateness
 * timer is fed by a {@link dev.farewell.StatsListener}. Nothing here can throw into the engine or
 * change a release: a meter that cannot be read reports {@code NaN}. Thread-safe.
 */
public final class FarewellMetrics implements MeterBinder {

  private static final Logger logger = LoggerFactory.getLogger(FarewellMetrics.class);

  /** The percentiles the lateness timer publishes. */
  private static final double[] PERCENTILES = {0.5, 0.95, 0.99};

  private final Farewell farewell;
  private final BeaconHandler handler;
  private final Iterable<Tag> tags;

  /** Binds {@code farewell}'s meters, with no further tags. */
  public FarewellMetrics(Farewell farewell) {
    this(farewell, Tags.empty());
  }

  /**
   * Binds {@code farewell}'s meters, each with {@code tags} added.
   *
   * @throws NullPointerException if an argument is null
   */
  public FarewellMetrics(Farewell farewell, Iterable<Tag> tags) {
    this.farewell = requireNonNull(farewell, "farewell");
    this.handler = null;
    this.tags = Tags.of(requireNonNull(tags, "tags"));
  }

  /** Binds the meters of {@code handler} and of its engine, with no further tags. */
  public FarewellMetrics(BeaconHandler handler) {
    this(handler, Tags.empty());
  }

  /**
   * Binds the meters of {@code handler} (refusals by status) and of its engine, each with {@code
   * tags} added.
   *
   * @throws NullPointerException if an argument is null
   */
  // Registries do not override equals: keyed by identity.
  private final Map<MeterRegistry, Map<ReleaseReason, Timer>> latenessByRegistry =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicBoolean listening =
      new java.util.concurrent.atomic.AtomicBoolean();

  public FarewellMetrics(BeaconHandler handler, Iterable<Tag> tags) {
    this.handler = requireNonNull(handler, "handler");
    this.farewell = handler.farewell();
    this.tags = Tags.of(requireNonNull(tags, "tags"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    requireNonNull(registry, "registry");
    bindGauges(registry);
    bindSignals(registry);
    bindReleases(registry);
    bindActions(registry);
    if (handler != null) {
      bindRefusals(registry);
    }
  }

  private void bindGauges(MeterRegistry registry) {
    Gauge.builder("farewell.sessions", farewell, guarded(engine -> engine.size()))
        .tags(tags)
        .description("Sessions live now")
        .baseUnit(BaseUnits.SESSIONS)
        .register(registry);
    Gauge.builder("farewell.pages", farewell, guarded(engine -> engine.pages()))
        .tags(tags)
        .description("Open pages (visible or hidden) of the live sessions")
        .baseUnit("pages")
        .register(registry);
    Gauge.builder("farewell.store.up", farewell, stat(stats -> stats.storeUp() ? 1 : 0))
        .tags(tags)
        .description("1 while the session store serves this node, 0 while it cannot")
        .register(registry);
    Gauge.builder("farewell.release.backlog", farewell, stat(FarewellStats::releaseBacklog))
        .tags(tags)
        .description("Releases decided and not acted on yet")
        .baseUnit("releases")
        .register(registry);
  }

  private void bindSignals(MeterRegistry registry) {
    for (SignalType type : SignalType.values()) {
      for (FarewellStats.Outcome outcome : FarewellStats.Outcome.values()) {
        FunctionCounter.builder(
                "farewell.signals", farewell, stat(stats -> stats.signals(type, outcome)))
            .tags(tags)
            .tag("type", name(type))
            .tag("outcome", name(outcome))
            .description("Signals of pages, by type and by what became of them")
            .baseUnit("signals")
            .register(registry);
      }
    }
  }

  private void bindReleases(MeterRegistry registry) {
    Map<ReleaseReason, Timer> lateness = new EnumMap<>(ReleaseReason.class);
    for (ReleaseReason reason : ReleaseReason.values()) {
      FunctionCounter.builder("farewell.releases", farewell, stat(stats -> stats.releases(reason)))
          .tags(tags)
          .tag("reason", name(reason))
          .description("Sessions released, by reason")
          .baseUnit("sessions")
          .register(registry);
      lateness.put(
          reason,
          Timer.builder("farewell.release.lateness")
              .tags(tags)
              .tag("reason", name(reason))
              .description("How long after its deadline each session was released")
              .publishPercentiles(PERCENTILES)
              .register(registry));
    }
    // One listener per FarewellMetrics, recording into each registry once: binding to the same
    // registry again (Micrometer hands back the same timers) must not time a release twice.
    latenessByRegistry.put(registry, lateness);
    if (listening.compareAndSet(false, true)) {
      farewell.addStatsListener(
          release -> latenessByRegistry.values().forEach(timers -> record(timers, release)));
    }
  }

  private static void record(Map<ReleaseReason, Timer> lateness, Release release) {
    Duration late = release.lateness();
    // A deadline read on another node's clock can come out a little in the future.
    lateness.get(release.reason()).record(late.isNegative() ? Duration.ZERO : late);
  }

  private void bindActions(MeterRegistry registry) {
    action(registry, "succeeded", ReleaseStats::succeeded);
    // failed counts the rejected releases too: each release is counted under one outcome only.
    action(registry, "failed", actions -> actions.failed() - actions.rejected());
    action(registry, "rejected", ReleaseStats::rejected);
    action(registry, "abandoned", ReleaseStats::abandoned);
    FunctionCounter.builder(
            "farewell.release.retries", farewell, stat(stats -> stats.actions().retried()))
        .tags(tags)
        .description("Runs of release actions that were retries")
        .baseUnit("retries")
        .register(registry);
  }

  private void action(
      MeterRegistry registry, String outcome, ToDoubleFunction<ReleaseStats> count) {
    FunctionCounter.builder(
            "farewell.release.actions", farewell, stat(stats -> count.applyAsDouble(stats.actions())))
        .tags(tags)
        .tag("outcome", outcome)
        .description("Releases whose actions are over, by outcome")
        .baseUnit("releases")
        .register(registry);
  }

  private void bindRefusals(MeterRegistry registry) {
    for (Integer status : handler.refusals().keySet()) {
      FunctionCounter.builder(
              "farewell.beacon.refusals",
              handler,
              beacon -> beacon.refusals().getOrDefault(status, 0L))
          .tags(tags)
          .tag("status", status.toString())
          .description("Beacon requests refused, by HTTP status")
          .baseUnit("requests")
          .register(registry);
    }
  }

  /** Reads a value of the engine's stats. */
  private static ToDoubleFunction<Farewell> stat(ToDoubleFunction<FarewellStats> value) {
    return guarded(engine -> value.applyAsDouble(engine.stats()));
  }

  /** A meter whose value cannot be read (a shared store unreachable) reports NaN. */
  private static ToDoubleFunction<Farewell> guarded(ToDoubleFunction<Farewell> value) {
    return engine -> {
      try {
        return value.applyAsDouble(engine);
      } catch (RuntimeException e) {
        logger.debug("A Farewell meter could not be read", e);
        return Double.NaN;
      }
    };
  }

  private static String name(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }
}
