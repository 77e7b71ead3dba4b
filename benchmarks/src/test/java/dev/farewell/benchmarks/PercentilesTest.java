package dev.farewell.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void percentilesTakeTheNearestRankOfTheSortedSample() {
    long[] sample = new long[100];
    for (int i = 0; i < 100; i++) {
      sample[i] = 100 - i;
    }
    Percentiles p = new Percentiles(sample);
    assertThat(p.at(50)).isEqualTo(50);
    assertThat(p.at(99)).isEqualTo(99);
    assertThat(p.at(100)).isEqualTo(100);
    assertThat(p.at(0)).isEqualTo(1);
    assertThat(p.max()).isEqualTo(100);
  }
}
