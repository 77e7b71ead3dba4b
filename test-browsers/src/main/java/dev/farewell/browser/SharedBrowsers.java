package dev.farewell.browser;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The browsers of one test class: one process per engine, launched on first use and ended after
 * the class, each test getting a {@linkplain Browser#newContext() context} of its own (its own
 * cookies and storage), so that a class does not pay a browser start per test. A browser a test
 * killed is launched again for the next one. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension static final SharedBrowsers browsers = new SharedBrowsers();
 *
 * try (Browser browser = browsers.open(Engine.FIREFOX)) { ... }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class SharedBrowsers implements AfterAllCallback, AutoCloseable {

  private final Map<Engine, Browser> running = new EnumMap<>(Engine.class);

  /**
   * A fresh context of this class's browser of {@code engine}, launched if none runs (see {@link
   * Engine#launchOrSkip()}: a browser that is not installed skips the test, or fails it in CI). A
   * browser that cannot open a context is replaced once. Close the context after the test.
   */
  public synchronized Browser open(Engine engine) {
    Browser browser = running.get(engine);
    if (browser != null && browser.isAlive()) {
      try {
        return browser.newContext();
      } catch (RuntimeException e) {
        // a wedged browser: replaced below
      }
    }
    if (browser != null) {
      running.remove(engine);
      browser.close();
    }
    browser = engine.launchOrSkip();
    running.put(engine, browser);
    return browser.newContext();
  }

  /** Ends the browsers (after the class). */
  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Ends the browsers. */
  @Override
  public synchronized void close() {
    RuntimeException failure = null;
    for (Browser browser : running.values()) {
      try {
        browser.close();
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    running.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
