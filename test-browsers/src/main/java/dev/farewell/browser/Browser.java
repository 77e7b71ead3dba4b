package dev.farewell.browser;

import java.net.URI;

/**
 * A real browser started with a fresh profile: {@link Chromium} over the DevTools protocol, {@link
 * Firefox} over WebDriver BiDi, {@link WebKit} over classic WebDriver; or a {@linkplain
 * #newContext() context} of one, which a test gets from {@link SharedBrowsers}. Thread-safe; close
 * it to end the browser and delete its profile (a context: to close its tabs).
 */
public interface Browser extends AutoCloseable {

  /** The engine's name, for messages: Chromium, Firefox or WebKit. */
  String name();

  /** Opens a new tab on {@code url}, which comes to the front of its window. */
  Tab newTab(URI url);

  /** Whether the browser process is running. */
  boolean isAlive();

  /**
   * Kills the browser and all its processes with SIGKILL: no page gets any event, as when an
   * operating system kills a background browser.
   */
  void kill();

  /**
   * Opens a context of this browser for one test: its tabs run in this browser's process but have
   * cookies, storage and cache of their own, like a private window (a Chromium browser context, a
   * Firefox user context, a WebKit session of its own). Closing the context closes its tabs and
   * leaves the browser running; {@link #kill()} on it kills the whole browser.
   *
   * @throws DevToolsException if the browser cannot open one
   */
  Browser newContext();

  /**
   * Kills the browser if it still runs and deletes its profile; for a context, closes its tabs and
   * leaves the browser running.
   */
  @Override
  void close();
}
