package dev.farewell.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseDelayPlotTest {

  @Test
  void thePlotIsAPngWithOnePanelPerTrial(@TempDir Path dir) throws Exception {
    SplittableRandom random = new SplittableRandom(1);
    long[] delays = new long[1000];
    long[] timer = new long[1000];
    for (int i = 0; i < delays.length; i++) {
      delays[i] = (long) (random.nextDouble() * 1_070_000_000L);
      timer[i] = random.nextInt(2_000_000);
    }
    Path file = dir.resolve("images/release-delay.png");
    ReleaseDelayPlot.write(
        file,
        List.of(
            new ReleaseDelayPlot.Panel("timeouts", delays, timer, Duration.ofMillis(1200)),
            new ReleaseDelayPlot.Panel("exits", new long[0], timer, Duration.ofMillis(200))),
        "test");
    BufferedImage image = ImageIO.read(file.toFile());
    assertThat(image.getWidth()).isEqualTo(1120);
    assertThat(image.getHeight()).isGreaterThan(400);
  }
}
