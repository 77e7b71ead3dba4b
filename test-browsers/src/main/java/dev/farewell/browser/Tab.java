package dev.farewell.browser;

import java.net.URI;
import java.util.Optional;

/** One tab of a {@link Browser}, driven as a test drives it. Thread-safe. */
public interface Tab extends AutoCloseable {

  /** The browser's id of the tab. */
  String id();

  /**
   * Evaluates a JavaScript expression (or statements, the last one's value being returned) in the
   * page, awaiting it if it is a promise, and returns its value as plain JSON values ({@code null}
   * for undefined).
   *
   * @throws DevToolsException if the expression throws or the page is gone
   */
  Object evaluate(String expression);

  /** Navigates the tab to {@code url}, as typing it in the address bar would. */
  void navigate(URI url);

  /** Reloads the page, as the reload button would. */
  void reload();

  /**
   * The message of the user prompt ({@code alert()}, {@code confirm()}) the page shows now, if any:
   * one the browser really shows, which blocks the page's main thread until it is answered.
   */
  Optional<String> dialog();

  /** Accepts the user prompt the page shows, as a user clicking OK would. */
  void acceptDialog();

  /** Closes the tab as a user would: the page gets its pagehide. */
  @Override
  void close();
}
