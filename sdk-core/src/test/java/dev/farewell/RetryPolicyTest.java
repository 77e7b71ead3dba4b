package dev.farewell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void builderStartsFromTheDocumentedDefaults() {
    RetryPolicy policy = RetryPolicy.newBuilder().build();

    assertThat(policy.maxAttempts()).isEqualTo(5);
    assertThat(policy.maxTotalTime()).isEqualTo(Duration.ofMinutes(2));
    assertThat(policy.initialBackoff()).isEqualTo(Duration.ofMillis(500));
    assertThat(policy.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(policy.multiplier()).isEqualTo(2);
    assertThat(policy.jitter()).isEqualTo(0.2);
  }

  @Test
  void noneMakesOneAttempt() {
    assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
    assertThat(((ReleaseAction) r -> null).retryPolicy()).isEqualTo(RetryPolicy.none());
  }

  @Test
  void toBuilderKeepsTheOtherValues() {
    RetryPolicy policy = RetryPolicy.newBuilder().maxAttempts(9).jitter(0).build();

    RetryPolicy derived = policy.toBuilder().maxTotalTime(Duration.ofSeconds(5)).build();

    assertThat(derived.maxAttempts()).isEqualTo(9);
    assertThat(derived.jitter()).isZero();
    assertThat(derived.maxTotalTime()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void settersRejectValuesOutOfRangeAndNameThem() {
    RetryPolicy.Builder builder = RetryPolicy.newBuilder();

    assertThatThrownBy(() -> builder.maxAttempts(0)).hasMessage("maxAttempts must be >= 1, was 0");
    assertThatThrownBy(() -> builder.maxTotalTime(Duration.ZERO))
        .hasMessage("maxTotalTime must be > 0, was PT0S");
    assertThatThrownBy(() -> builder.initialBackoff(Duration.ofMillis(-1)))
        .hasMessageStartingWith("initialBackoff must be > 0");
    assertThatThrownBy(() -> builder.multiplier(0.5)).hasMessageStartingWith("multiplier must be >= 1");
    assertThatThrownBy(() -> builder.multiplier(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.jitter(1.5)).hasMessage("jitter must be in [0, 1], was 1.5");
    assertThatThrownBy(() -> builder.maxBackoff(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void maximumBackoffBelowTheInitialOneIsRefused() {
    RetryPolicy.Builder builder =
        RetryPolicy.newBuilder().initialBackoff(Duration.ofSeconds(2)).maxBackoff(Duration.ofSeconds(1));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBackoff must be >= initialBackoff, was PT1S < PT2S");
  }

  @Test
  void retryAfterMustNotBeNegative() {
    assertThatThrownBy(
            () -> new RetryableReleaseException("x", null, Duration.ofSeconds(-1)))
        .hasMessage("retryAfter must be >= 0, was PT-1S");
    assertThat(new RetryableReleaseException("x", null).retryAfter()).isEmpty();
  }
}
