package dev.farewell.spring.boot;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/** The {@code farewell} health indicator on Spring Boot 4 (see {@link FarewellHealth}). */
final class FarewellHealthIndicator implements HealthIndicator {

  private final FarewellHealth health;

  FarewellHealthIndicator(FarewellHealth health) {
    this.health = health;
  }

  @Override
  public Health health() {
    FarewellHealth.Check check = health.check();
    return Health.status(new Status(check.status())).withDetails(check.details()).build();
  }
}
