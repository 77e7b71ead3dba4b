package dev.farewell.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import okhttp3.Headers;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

class BuilderAndParsingTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private static Release release(String key, Instant releasedAt) {
    return new Release(key, ReleaseReason.TIMEOUT, Map.of(), NOW, NOW, NOW, releasedAt);
  }

  @Test
  void urlIsRequired() {
    assertThatThrownBy(() -> HttpReleaseAction.newBuilder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("url is required");
  }

  @Test
  void unknownVariableIsRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> HttpReleaseAction.newBuilder().url("https://x.test/${user}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown variable ${user}")
        .hasMessageContaining("${attributes.NAME}");
  }

  @Test
  void unclosedVariableIsRefused() {
    assertThatThrownBy(() -> HttpReleaseAction.newBuilder().jsonBody("{\"a\":\"${sessionKey\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown variable");
    assertThatThrownBy(() -> HttpReleaseAction.newBuilder().header("X-A", "${reason"))
        .hasMessageContaining("unclosed ${");
  }

  @Test
  void urlThatIsNotHttpIsRefused() {
    assertThatThrownBy(() -> HttpReleaseAction.newBuilder().url("ftp://x.test/${sessionKey}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("url must be an absolute http or https URL");
  }

  @Test
  void getCannotCarryABody() {
    HttpReleaseAction.Builder builder =
        HttpReleaseAction.newBuilder().url("https://x.test/").method("get").jsonBody("{}");

    assertThatThrownBy(builder::build).hasMessage("GET cannot carry a body");
  }

  @Test
  void settingsMayBeSetOnce() {
    HttpReleaseAction.Builder builder =
        HttpReleaseAction.newBuilder().url("https://x.test/").callTimeout(Duration.ofSeconds(1));

    assertThatThrownBy(() -> builder.url("https://y.test/")).hasMessage("url was already set");
    assertThatThrownBy(() -> builder.callTimeout(Duration.ofSeconds(2)))
        .hasMessage("callTimeout was already set");
    assertThatThrownBy(() -> HttpReleaseAction.newBuilder().callTimeout(Duration.ZERO))
        .hasMessage("callTimeout must be > 0, was PT0S");
  }

  @Test
  void withoutABodyTheMethodIsGetAndToStringHidesTheQuery() {
    HttpReleaseAction action =
        HttpReleaseAction.newBuilder().url("https://sso.test/logout?secret=s3cr3t").build();

    Request request = action.request(release("k", NOW));

    assertThat(request.method()).isEqualTo("GET");
    assertThat(action).hasToString("HttpReleaseAction[GET https://sso.test/logout]");
    assertThat(action.callTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(action.retryPolicy().maxAttempts()).isEqualTo(5);
  }

  @Test
  void idempotencyKeyIsStablePerReleaseAndDiffersBetweenReleases() {
    String first = HttpReleaseAction.idempotencyKey(release("k", NOW));

    assertThat(HttpReleaseAction.idempotencyKey(release("k", NOW))).isEqualTo(first);
    assertThat(HttpReleaseAction.idempotencyKey(release("k", NOW.plusMillis(1)))).isNotEqualTo(first);
    assertThat(HttpReleaseAction.idempotencyKey(release("k2", NOW))).isNotEqualTo(first);
    assertThat(first).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }

  @Test
  void idempotencyKeyIsTheReleaseIdAStoreGave() {
    Release fromRedis =
        new Release("k", ReleaseReason.TIMEOUT, Map.of(), NOW, NOW, NOW, NOW, "claim-7f3a.4");

    assertThat(HttpReleaseAction.idempotencyKey(fromRedis)).isEqualTo("claim-7f3a.4");
    assertThat(HttpReleaseAction.newBuilder().url("https://sso.test/logout").build()
            .request(fromRedis).header("Idempotency-Key"))
        .isEqualTo("claim-7f3a.4");
  }

  @Test
  void retryAfterInSecondsIsReadAsSeconds() {
    assertThat(RetryAfter.parse(Headers.of("Retry-After", "120"), NOW))
        .isEqualTo(Duration.ofMinutes(2));
    assertThat(RetryAfter.parse(Headers.of("Retry-After", " 0 "), NOW))
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void retryAfterAsAnHttpDateIsReadAsTheTimeLeftUntilThen() {
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(90).atOffset(ZoneOffset.UTC));

    assertThat(RetryAfter.parse(Headers.of("Retry-After", date), NOW))
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(RetryAfter.parse(Headers.of("Retry-After", date), NOW.plusSeconds(100)))
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void retryAfterThatIsAbsentOrUnreadableIsIgnored() {
    assertThat(RetryAfter.parse(Headers.of(), NOW)).isNull();
    assertThat(RetryAfter.parse(Headers.of("Retry-After", "soon"), NOW)).isNull();
    assertThat(RetryAfter.parse(Headers.of("Retry-After", "-5"), NOW)).isNull();
  }
}
