package dev.farewell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.testing.CollectingReleaseListener;
import dev.farewell.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The rule "a session released within the tombstone TTL never starts again" against random
 * histories of releases, time and late signals, with a maximum of tombstones far below the releases
 * of one TTL: the engine must forget tombstones early, and still never revive a session.
 */
class ForgottenTombstonesTest {

  private static final Duration TTL = Duration.ofMinutes(1);
  private static final SignalType[] TYPES = SignalType.values();

  @Test
  void noVolumeOfReleasesMakesASessionReleasedWithinTheTtlStartAgain() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    int probesOfForgotten = 0;
    int adoptedAfterTheTtl = 0;
    for (int history = 0; history < 300; history++) {
      FakeTicker ticker = new FakeTicker();
      CollectingReleaseListener released = new CollectingReleaseListener();
      int maximumTombstones = 1 + random.nextInt(8);
      try (Farewell farewell =
          Farewell.newBuilder()
              .ticker(ticker)
              .releaseExecutor(Runnable::run)
              .onRelease(released)
              .tombstoneTtl(TTL)
              .maximumTombstones(maximumTombstones)
              .build()) {
        Map<String, Long> releasedAt = new HashMap<>();
        Map<String, Integer> releaseNumber = new HashMap<>();
        int releases = 0;
        List<String> keys = new ArrayList<>();
        for (int step = 0; step < 150; step++) {
          int choice = random.nextInt(10);
          if (choice < 5) {
            String key = "s" + keys.size();
            keys.add(key);
            farewell.track(key);
            farewell.release(key);
            releasedAt.put(key, ticker.read());
            releaseNumber.put(key, ++releases);
          } else if (choice < 7) {
            ticker.advance(Duration.ofMillis(random.nextInt(20_000)));
          } else if (!keys.isEmpty()) {
            String key = keys.get(random.nextInt(keys.size()));
            SignalType type = TYPES[random.nextInt(TYPES.length)];
            long sinceRelease = ticker.read() - releasedAt.get(key);
            SignalResult result =
                farewell.signal(Signal.of(type, key, "page-" + step, 1 + random.nextInt(9)));
            String context = "seed " + seed + ", history " + history + ", step " + step + ", "
                + type + " " + key + " " + Duration.ofNanos(sinceRelease) + " after its release";
            if (sinceRelease < TTL.toNanos()) {
              assertThat(result.status()).as(context).isEqualTo(SignalResult.Status.RELEASED);
              if (releases - releaseNumber.get(key) >= maximumTombstones) {
                probesOfForgotten++; // its tombstone was forgotten by count
              }
            } else if (result.status() != SignalResult.Status.RELEASED
                && farewell.session(key).isPresent()) {
              // Adopted once the TTL had passed (the endpoint's token age check is what stops
              // that): a new session under the key, released again for the next probes.
              adoptedAfterTheTtl++;
              farewell.release(key);
              releasedAt.put(key, ticker.read());
              releaseNumber.put(key, ++releases);
            }
          }
        }
      }
    }
    assertThat(probesOfForgotten).isGreaterThan(1_000);
    assertThat(adoptedAfterTheTtl).isPositive();
  }
}
