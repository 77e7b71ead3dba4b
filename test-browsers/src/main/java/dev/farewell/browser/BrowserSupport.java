package dev.farewell.browser;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The rule for tests that need a browser: they skip with a clear message when no Chromium is
 * found, unless {@code FAREWELL_REQUIRE_BROWSER=1}, in which case they fail.
 */
public final class BrowserSupport {

  private BrowserSupport() {}

  /** Returns the browser to launch, or skips (or fails) the calling test. */
  public static Path chromiumOrSkip() {
    Optional<Path> chromium = Chromium.locate();
    if (chromium.isPresent()) {
      return chromium.get();
    }
    String message =
        "No Chromium found (looked at $FAREWELL_CHROMIUM, /usr/bin/chromium and the PATH);"
            + " install it with 'apt-get install chromium'";
    if ("1".equals(System.getenv("FAREWELL_REQUIRE_BROWSER"))) {
      fail(message + " (FAREWELL_REQUIRE_BROWSER=1 makes this a failure)");
    }
    abort(message + "; skipping the browser test");
    throw new AssertionError("unreachable");
  }

  /** Launches a fresh headless Chromium, or skips (or fails) the calling test. */
  public static Chromium launchOrSkip() {
    return Chromium.launch(chromiumOrSkip());
  }
}
