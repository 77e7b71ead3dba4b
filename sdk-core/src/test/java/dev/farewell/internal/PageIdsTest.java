package dev.farewell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Page ids as the snippet draws them are held in two longs and given back unchanged. */
class PageIdsTest {

  @Test
  void randomUuidsAreCompactAndComeBackUnchanged() {
    for (int i = 0; i < 10_000; i++) {
      String id = UUID.randomUUID().toString();
      assertThat(PageIds.isCompact(id)).isTrue();
      assertThat(PageIds.format(PageIds.high(id), PageIds.low(id))).isEqualTo(id);
    }
  }

  @Test
  void extremeValuesComeBackUnchanged() {
    for (String id :
        new String[] {
          "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
          "80000000-0000-0000-8000-000000000001"
        }) {
      assertThat(PageIds.format(PageIds.high(id), PageIds.low(id))).isEqualTo(id);
    }
  }

  @Test
  void otherIdsAreNotCompact() {
    assertThat(PageIds.isCompact("F47AC10B-58CC-4372-A567-0E02B2C3D479")).isFalse();
    assertThat(PageIds.isCompact("f47ac10b58cc4372a5670e02b2c3d479")).isFalse();
    assertThat(PageIds.isCompact("f47ac10b-58cc-4372-a567_0e02b2c3d479")).isFalse();
    assertThat(PageIds.isCompact("g47ac10b-58cc-4372-a567-0e02b2c3d479")).isFalse();
    assertThat(PageIds.isCompact("p1")).isFalse();
  }

  @Test
  void aPageFindsItsIdInEitherForm() {
    String uuid = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
    Page compact = new Page(uuid);
    Page plain = new Page("F47AC10B-58CC-4372-A567-0E02B2C3D479");

    assertThat(compact.hasId(uuid, true, PageIds.high(uuid), PageIds.low(uuid))).isTrue();
    assertThat(compact.id()).isEqualTo(uuid);
    assertThat(plain.hasId(uuid, true, PageIds.high(uuid), PageIds.low(uuid))).isFalse();
    assertThat(plain.hasId("F47AC10B-58CC-4372-A567-0E02B2C3D479", false, 0, 0)).isTrue();
    assertThat(compact.hasId("F47AC10B-58CC-4372-A567-0E02B2C3D479", false, 0, 0)).isFalse();
  }
}
