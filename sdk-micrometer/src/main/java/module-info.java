/**
 * Farewell's metrics in Micrometer: {@link dev.farewell.micrometer.FarewellMetrics} binds an
 * engine's counters, gauges and release timer to a {@code MeterRegistry}. The meters are listed in
 * docs/metrics.md.
 */
@SuppressWarnings("requires-transitive-automatic") // Micrometer names itself in its manifest only
module dev.farewell.micrometer {
  requires transitive dev.farewell.core;
  requires transitive micrometer.core;
  requires org.slf4j;

  exports dev.farewell.micrometer;
}
