package dev.farewell.snippet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The served snippet stays within 2,304 bytes gzipped (web-vitals is ~3.3 KB). */
class SizeBudgetTest {

  static final int BUDGET_BYTES = 2304;

  static void assertWithinBudget(Snippet snippet) {
    int size = snippet.gzippedBody().length;
    System.out.println("farewell.js: " + snippet.body().length + " bytes, " + size + " bytes gzipped, budget "
        + BUDGET_BYTES);
    assertThat(size)
        .as("gzipped farewell.js is %d bytes, over the %d-byte budget by %d", size, BUDGET_BYTES,
            size - BUDGET_BYTES)
        .isLessThanOrEqualTo(BUDGET_BYTES);
  }

  @Test
  void theServedSnippetStaysWithinItsGzippedBudget() {
    assertWithinBudget(Snippet.load());
  }

  @Test
  void theBudgetCheckFailsForASnippetPastTheBudget() {
    byte[] incompressible = new byte[BUDGET_BYTES + 64];
    new Random(42).nextBytes(incompressible);

    assertThatThrownBy(() -> assertWithinBudget(Snippet.of(incompressible)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("over the 2304-byte budget");
  }
}
