package dev.farewell.browser;

import java.net.URI;

/**
 * A real browser started for one test with a fresh profile: {@link Chromium} over the DevTools
 * protocol, {@link Firefox} over WebDriver BiDi, {@link WebKit} over classic WebDriver. Thread-safe;
 * close it to end the browser and delete its profile.
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

  /** Kills the browser if it still runs and deletes its profile. */
  @Override
  void close();
}
