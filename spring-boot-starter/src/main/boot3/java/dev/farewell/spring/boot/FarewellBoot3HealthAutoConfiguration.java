package dev.farewell.spring.boot;

import dev.farewell.Farewell;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code farewell} health indicator on Spring Boot 3.5, whose Actuator keeps health in {@code
 * org.springframework.boot.actuate.health} (Boot 4 moved it; see {@link
 * FarewellActuatorAutoConfiguration}). Compiled against Boot 3.5's Actuator (see the pom).
 */
@AutoConfiguration(after = FarewellAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnBean(Farewell.class)
public class FarewellBoot3HealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "farewellHealthIndicator")
  HealthIndicator farewellHealthIndicator(Farewell farewell, FarewellProperties properties) {
    FarewellHealth health =
        new FarewellHealth(farewell, properties.getHealth().getMaximumReleaseBacklog());
    return () -> {
      FarewellHealth.Check check = health.check();
      return Health.status(new Status(check.status())).withDetails(check.details()).build();
    };
  }
}
