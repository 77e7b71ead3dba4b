package dev.farewell.browser;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** The browser engines the end-to-end tests run in, each from the Debian package named. */
public enum Engine {
  /** Chromium over the DevTools protocol ({@code apt-get install chromium}). */
  CHROMIUM("chromium", Chromium::locate, Chromium::launch),
  /** Firefox ESR over WebDriver BiDi ({@code apt-get install firefox-esr}). */
  FIREFOX("firefox-esr", Firefox::locate, Firefox::launch),
  /** WebKitGTK's MiniBrowser over WebDriver, under Xvfb ({@code apt-get install webkit2gtk-driver xvfb}). */
  WEBKIT("webkit2gtk-driver xvfb", WebKit::locate, WebKit::launch);

  private final String packages;
  private final Supplier<Optional<Path>> locate;
  private final Function<Path, ? extends Browser> launch;

  Engine(String packages, Supplier<Optional<Path>> locate, Function<Path, ? extends Browser> launch) {
    this.packages = packages;
    this.locate = locate;
    this.launch = launch;
  }

  /**
   * Launches a fresh browser of this engine, or skips the calling test when it is not installed;
   * under {@code FAREWELL_REQUIRE_BROWSER=1} (CI) a missing browser fails the test instead.
   */
  public Browser launchOrSkip() {
    Optional<Path> executable = locate.get();
    if (executable.isEmpty()) {
      String message = "No " + this + " found; install it with 'apt-get install " + packages + "'";
      if ("1".equals(System.getenv("FAREWELL_REQUIRE_BROWSER"))) {
        fail(message + " (FAREWELL_REQUIRE_BROWSER=1 makes this a failure)");
      }
      abort(message + "; skipping the browser test");
    }
    return launch.apply(executable.get());
  }
}
