package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.farewell.Farewell;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FarewellServletBuilderTest {

  private final Farewell farewell = Farewell.newBuilder().build();

  @AfterEach
  void close() {
    farewell.close();
  }

  @Test
  void theRateLimitersSizeIsCheckedAtOnceAndSetOnce() {
    assertThatThrownBy(() -> FarewellServlet.newBuilder(farewell).maximumRateLimitedPages(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumRateLimitedPages must be >= 1, was 0");
    assertThatThrownBy(
            () ->
                FarewellServlet.newBuilder(farewell)
                    .maximumRateLimitedPages(1_000)
                    .maximumRateLimitedPages(2_000))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("maximumRateLimitedPages was already set");
  }

  @Test
  void theSessionRateLimitIsCheckedAtOnceAndSetOnce() {
    assertThatThrownBy(
            () -> FarewellServlet.newBuilder(farewell).sessionRateLimit(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("signals must be >= 1, was 0");
    assertThatThrownBy(
            () -> FarewellServlet.newBuilder(farewell).sessionRateLimit(10, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("period must be > 0, was PT0S");
    assertThatThrownBy(
            () ->
                FarewellServlet.newBuilder(farewell)
                    .sessionRateLimit(10, Duration.ofSeconds(1))
                    .sessionRateLimit(20, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("sessionRateLimit was already set");
  }
}
