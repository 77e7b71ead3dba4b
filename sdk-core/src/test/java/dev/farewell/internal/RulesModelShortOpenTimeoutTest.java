package dev.farewell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RulesModelTest}'s histories under rules whose open timeout is shorter than the exit and
 * navigation graces (heartbeat timeouts of 6 to 15 s): a track that ends a grace then moves the
 * session's deadline earlier, a path (in place and atomic) the main model test's rules (open
 * timeout 15 or 30 s, graces 2 to 12 s) never take.
 */
class RulesModelShortOpenTimeoutTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void randomHistoriesWithAnOpenTimeoutShorterThanTheGraces() {
    int histories = Integer.getInteger("farewell.model.histories", 10_000);
    long seed = Long.getLong("farewell.model.seed", new Random().nextLong());
    for (int i = 0; i < histories; i++) {
      Random random = new Random(seed + i);
      RulesModelTest.History generated = RulesModelTest.generate(random);
      RulesModel.Rules r = generated.rules();
      // (the builder wants heartbeatInterval (5 s) < heartbeatTimeout <= openTimeout)
      long heartbeat = (6 + random.nextInt(10)) * SECOND;
      long open = heartbeat + random.nextInt(4) * SECOND;
      RulesModel.Rules rules =
          new RulesModel.Rules(
              heartbeat,
              Math.max(heartbeat, r.hidden()),
              open + (1 + random.nextInt(10)) * SECOND,
              open + (2 + random.nextInt(20)) * SECOND,
              open,
              r.tombstoneTtl(),
              r.maximumPages(),
              r.maximumSessions(),
              r.maximumTombstones());
      RulesModelTest.History history =
          new RulesModelTest.History(rules, generated.releaseOnClose(), generated.ops());
      String mismatch = RulesModelTest.run(history);
      if (mismatch != null) {
        RulesModelTest.History small = RulesModelTest.shrink(history);
        System.out.println("seed " + (seed + i) + " rules " + rules);
        for (RulesModelTest.Op op : small.ops()) {
          System.out.println("  " + op);
        }
        System.out.println("mismatch: " + RulesModelTest.run(small));
      }
      assertThat(mismatch).as("seed %d", seed + i).isNull();
    }
  }
}
