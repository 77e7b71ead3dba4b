package dev.farewell.benchmarks;

import java.util.List;

/**
 * Figure 5 (browser): tab close to release and browser kill to release, in headless Chromium
 * against the sample app.
 */
final class BrowserFigure implements Figure {

  @Override
  public List<Row> run(Settings settings) throws Exception {
    throw new IllegalStateException("the sample app's browser harness is not in this build yet");
  }
}
