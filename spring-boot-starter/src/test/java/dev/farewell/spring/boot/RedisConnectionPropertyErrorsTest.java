package dev.farewell.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * docs/spring-boot.md: "the start fails naming the property when a value is out of range
 * (Invalid farewell.* properties: farewell.heartbeat-timeout must be > ...)". The new
 * farewell.store.redis.* connection properties fail the start with the builder's words instead
 * ("readTimeout must be > 0"), naming no property.
 */
class RedisConnectionPropertyErrorsTest {

  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(
          FarewellAutoConfiguration.class, FarewellSecurityAutoConfiguration.class));

  @ParameterizedTest
  @CsvSource({
      "farewell.store.redis.read-timeout, 0",
      "farewell.store.redis.pool-timeout, -1s",
      "farewell.store.redis.connect-timeout, 0ms",
      "farewell.store.redis.maximum-connections, 2"})
  void aConnectionValueOutOfRangeFailsTheStartNamingItsProperty(String property, String value) {
    runner.withPropertyValues("farewell.store.redis.uri=redis://127.0.0.1:6379",
            "farewell.token.secret=a-test-secret-of-at-least-32-bytes!!", property + "=" + value)
        .run(context -> assertThat(context).getFailure()
            .as("the start failure names %s", property)
            .hasStackTraceContaining(property));
  }
}
