package dev.farewell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The builder checks every value at once and says what was wrong. */
class BuilderValidationTest {

  @Test
  void defaultsMatchTheDocumentedValues() {
    try (Farewell farewell = Farewell.newBuilder().build()) {
      assertThat(farewell.rules().heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
      assertThat(farewell.rules().heartbeatTimeout()).isEqualTo(Duration.ofSeconds(15));
      assertThat(farewell.rules().hiddenTimeout()).isEqualTo(Duration.ofSeconds(150));
      assertThat(farewell.rules().exitGrace()).isEqualTo(Duration.ofSeconds(3));
      assertThat(farewell.rules().navigationGrace()).isEqualTo(Duration.ofSeconds(10));
    }
  }

  @Test
  void heartbeatTimeoutMustExceedTheInterval() {
    Farewell.Builder builder =
        Farewell.newBuilder()
            .heartbeatInterval(Duration.ofSeconds(5))
            .heartbeatTimeout(Duration.ofSeconds(3));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("heartbeatTimeout must be > heartbeatInterval, was PT3S <= PT5S");
  }

  @Test
  void hiddenTimeoutMustNotBeShorterThanTheHeartbeatTimeout() {
    Farewell.Builder builder = Farewell.newBuilder().hiddenTimeout(Duration.ofSeconds(10));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("hiddenTimeout must be >= heartbeatTimeout, was PT10S < PT15S");
  }

  @Test
  void openTimeoutMustNotBeShorterThanTheHeartbeatTimeout() {
    Farewell.Builder builder = Farewell.newBuilder().openTimeout(Duration.ofSeconds(1));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("openTimeout must be >= heartbeatTimeout, was PT1S < PT15S");
  }

  @Test
  void durationsMustBePositive() {
    assertThatThrownBy(() -> Farewell.newBuilder().exitGrace(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("exitGrace must be > 0, was PT0S");
    assertThatThrownBy(() -> Farewell.newBuilder().heartbeatInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("heartbeatInterval must be > 0, was PT-1S");
    assertThatThrownBy(() -> Farewell.newBuilder().navigationGrace(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("navigationGrace");
  }

  @Test
  void limitsMustBeAtLeastOne() {
    assertThatThrownBy(() -> Farewell.newBuilder().maximumSessions(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumSessions must be >= 1, was 0");
    assertThatThrownBy(() -> Farewell.newBuilder().maximumPagesPerSession(-2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumPagesPerSession must be >= 1, was -2");
    assertThatThrownBy(() -> Farewell.newBuilder().maximumTombstones(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumTombstones must be >= 1, was 0");
  }

  @Test
  void eachSettingMayBeSetOnce() {
    Farewell.Builder builder = Farewell.newBuilder().exitGrace(Duration.ofSeconds(2));

    assertThatThrownBy(() -> builder.exitGrace(Duration.ofSeconds(4)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("exitGrace was already set");
  }

  @Test
  void shutdownTimeoutMayBeZeroButNotNegative() {
    assertThatThrownBy(() -> Farewell.newBuilder().shutdownTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("shutdownTimeout must be >= 0, was PT-0.001S");
    Farewell.newBuilder().shutdownTimeout(Duration.ZERO).build().close();
  }

  @Test
  void pageIdsOutsideTheAlphabetAreRefused() {
    try (Farewell farewell = Farewell.newBuilder().build()) {
      assertThatThrownBy(() -> farewell.signal(Signal.of(SignalType.OPEN, "s", "a b", 0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("pageId must be 1 to 64 characters of [A-Za-z0-9_-]");
      assertThatThrownBy(() -> farewell.signal(Signal.of(SignalType.OPEN, "s", "é", 0)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(
              () -> farewell.signal(Signal.of(SignalType.OPEN, "s", "a".repeat(65), 0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageEndingWith("was 65 characters");
      assertThat(farewell.signal(Signal.of(SignalType.OPEN, "s", "a".repeat(64), 0)).accepted())
          .isTrue();
      assertThat(farewell.signal(Signal.of(SignalType.OPEN, "s", "Az09_-", 0)).accepted())
          .isTrue();
      assertThatThrownBy(() -> farewell.track(""))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("sessionKey must not be empty");
    }
  }
}
