package dev.farewell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.ReleaseReason;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TombstonesTest {

  private static final long TTL = 60_000_000_000L;

  @Test
  void aKeyForgottenByCountIsStillAnsweredReleasedUntilItsTtlEnds() {
    Tombstones tombstones = new Tombstones(2, TTL);
    tombstones.add("a", ReleaseReason.EXIT, 0);
    tombstones.add("b", ReleaseReason.EXIT, 10);
    tombstones.add("c", ReleaseReason.EXPLICIT, 20); // "a" goes by count

    assertThat(tombstones.size()).isEqualTo(2);
    assertThat(tombstones.reasonFor("a", TTL - 1)).isEqualTo(ReleaseReason.TIMEOUT);
    assertThat(tombstones.reasonFor("never-released", TTL - 1)).isEqualTo(ReleaseReason.TIMEOUT);
    assertThat(tombstones.reasonFor("c", TTL - 1)).isEqualTo(ReleaseReason.EXPLICIT);
    assertThat(tombstones.reasonFor("a", TTL)).isNull();
    assertThat(tombstones.reasonFor("never-released", TTL)).isNull();
  }

  @Test
  void aTombstoneExpiredByItsTtlLeavesNoMark() {
    Tombstones tombstones = new Tombstones(1, TTL);
    tombstones.add("a", ReleaseReason.EXIT, 0);
    tombstones.add("b", ReleaseReason.EXIT, TTL); // "a" had expired: no early forgetting

    assertThat(tombstones.reasonFor("a", TTL)).isNull();
    assertThat(tombstones.reasonFor("b", TTL)).isEqualTo(ReleaseReason.EXIT);
  }

  @Test
  void aReaderNeverFindsARecentlyReleasedKeyUnknownWhileOthersAreDroppedByCount()
      throws InterruptedException {
    Tombstones tombstones = new Tombstones(8, TTL);
    int keys = 300_000;
    AtomicInteger written = new AtomicInteger(-1);
    AtomicReference<String> unknown = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              while (written.get() < keys - 1 && unknown.get() == null) {
                int last = written.get();
                if (last < 0) {
                  continue;
                }
                int key = Math.max(0, last - ThreadLocalRandom.current().nextInt(16));
                if (tombstones.reasonFor("k" + key, 0) == null) {
                  unknown.set("k" + key);
                }
              }
            });
    reader.start();
    for (int i = 0; i < keys; i++) {
      tombstones.add("k" + i, ReleaseReason.EXPLICIT, 0);
      written.set(i);
    }
    reader.join();

    assertThat(unknown.get()).isNull();
    assertThat(tombstones.size()).isLessThanOrEqualTo(8);
  }
}
