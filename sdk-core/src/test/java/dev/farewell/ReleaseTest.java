package dev.farewell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReleaseTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static Release release(String key, Instant releasedAt) {
    return new Release(key, ReleaseReason.TIMEOUT, Map.of(), T, T, T, releasedAt);
  }

  @Test
  void releaseIdIsTheSameForTheSameKeyAndReleaseTimeAndDiffersOtherwise() {
    String id = release("k", T).releaseId();

    assertThat(release("k", T).releaseId()).isEqualTo(id);
    assertThat(release("k", T.plusMillis(1)).releaseId()).isNotEqualTo(id);
    assertThat(release("k2", T).releaseId()).isNotEqualTo(id);
    assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }

  @Test
  void releaseIdGivenByAStoreIsKept() {
    Release release = new Release("k", ReleaseReason.EXIT, Map.of(), T, T, T, T, "r-42");

    assertThat(release.releaseId()).isEqualTo("r-42");
    assertThatThrownBy(() -> new Release("k", ReleaseReason.EXIT, Map.of(), T, T, T, T, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("releaseId");
  }
}
