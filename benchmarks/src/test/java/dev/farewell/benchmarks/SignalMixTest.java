package dev.farewell.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Signal;
import dev.farewell.SignalType;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SignalMixTest {

  @Test
  void fourFifthsOfTheSignalsAreHeartbeatsAndTheRestOpenHiddenVisibleAndExit() {
    SignalMix mix = new SignalMix(100, 1);
    SignalMix.Cursor cursor = mix.cursor(0, 1, 2);
    Map<SignalType, Integer> counts = new EnumMap<>(SignalType.class);
    for (int i = 0; i < 100 * SignalMix.CYCLE; i++) {
      counts.merge(cursor.next().type(), 1, Integer::sum);
    }
    assertThat(counts)
        .containsEntry(SignalType.HEARTBEAT, 1600)
        .containsEntry(SignalType.OPEN, 100)
        .containsEntry(SignalType.HIDDEN, 100)
        .containsEntry(SignalType.VISIBLE, 100)
        .containsEntry(SignalType.EXIT, 100);
  }

  @Test
  void everySessionKeepsLivingThroughItsReloadsInTheBaseline() {
    SignalMix mix = new SignalMix(1000, 3);
    BaselineSessionTable table =
        new BaselineSessionTable(
            1000, Duration.ofSeconds(15), Duration.ofSeconds(150), Duration.ofSeconds(30));
    mix.warmUp(table, 4);
    SignalMix.Cursor cursor = mix.cursor(0, 1, 5);
    for (int i = 0; i < 1000 * SignalMix.CYCLE * 2; i++) {
      table.apply(cursor.next());
    }
    assertThat(table.liveSessions()).isEqualTo(1000);
  }

  @Test
  void sequenceNumbersGrowForEveryPageSoNoSignalIsIgnoredAsStale() {
    SignalMix mix = new SignalMix(10, 6);
    SignalMix.Cursor cursor = mix.cursor(0, 1, 7);
    Map<String, Long> last = new HashMap<>();
    for (int i = 0; i < 10 * SignalMix.CYCLE * 3; i++) {
      Signal signal = cursor.next();
      Long previous = last.put(signal.pageId(), signal.sequence());
      assertThat(previous == null || previous < signal.sequence()).isTrue();
    }
  }

  @Test
  void twoThreadsDriveDisjointSessionsThatTogetherCoverAll() {
    SignalMix mix = new SignalMix(101, 8);
    Set<String> first = new HashSet<>();
    Set<String> second = new HashSet<>();
    SignalMix.Cursor a = mix.cursor(0, 2, 9);
    SignalMix.Cursor b = mix.cursor(1, 2, 9);
    for (int i = 0; i < 51; i++) {
      first.add(a.next().sessionKey());
      second.add(b.next().sessionKey());
    }
    assertThat(first).doesNotContainAnyElementsOf(second);
    assertThat(first.size() + second.size()).isEqualTo(101);
  }
}
