package dev.farewell.spring.boot;

import dev.farewell.Farewell;
import dev.farewell.micrometer.FarewellMetrics;
import dev.farewell.servlet.FarewellServlet;
import org.springframework.beans.factory.ObjectProvider;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Farewell's metrics, endpoint and health in an application with Micrometer and Actuator: {@link
 * FarewellMetrics} bound to the application's {@link MeterRegistry} (Boot binds every {@code
 * MeterBinder} bean), the {@code farewell} endpoint ({@link FarewellEndpoint}) and, on Boot 4, the
 * {@code farewell} health indicator (on Boot 3.5, {@code FarewellBoot3HealthAutoConfiguration}).
 * Each part backs off when its library is missing or the application defines its own bean.
 */
@AutoConfiguration(
    after = FarewellAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"
    })
@ConditionalOnBean(Farewell.class)
public class FarewellActuatorAutoConfiguration {

  /** Farewell's meters, when Micrometer, farewell-micrometer and a registry are there. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({MeterRegistry.class, FarewellMetrics.class})
  @ConditionalOnBean(MeterRegistry.class)
  static class MetricsConfiguration {

    @Bean
    @ConditionalOnMissingBean
    FarewellMetrics farewellMetrics(Farewell farewell, ObjectProvider<FarewellServlet> servlet) {
      FarewellServlet beacon = servlet.getIfAvailable();
      return beacon != null && beacon.beaconHandler().farewell() == farewell
          ? new FarewellMetrics(beacon.beaconHandler())
          : new FarewellMetrics(farewell);
    }
  }

  /** The {@code farewell} endpoint, when Actuator is there and the endpoint is available. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
  static class EndpointConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(FarewellEndpoint.class)
    FarewellEndpoint farewellEndpoint(Farewell farewell) {
      RecentReleases recent = new RecentReleases();
      farewell.addStatsListener(recent);
      return new FarewellEndpoint(farewell, recent);
    }
  }

  /** The {@code farewell} health indicator on Boot 4. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class HealthConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "farewellHealthIndicator")
    FarewellHealthIndicator farewellHealthIndicator(
        Farewell farewell, FarewellProperties properties) {
      return new FarewellHealthIndicator(
          new FarewellHealth(farewell, properties.getHealth().getMaximumReleaseBacklog()));
    }
  }
}
