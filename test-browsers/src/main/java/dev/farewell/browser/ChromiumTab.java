package dev.farewell.browser;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One tab of a {@link Chromium}, driven over its own DevTools connection (opened on first use).
 * Thread-safe.
 */
public final class ChromiumTab implements Tab {

  private final Chromium browser;
  private final String id;
  private final String webSocketUrl;
  private DevToolsConnection devTools;

  ChromiumTab(Chromium browser, String id, String webSocketUrl) {
    this.browser = browser;
    this.id = id;
    this.webSocketUrl = webSocketUrl;
  }

  /** The DevTools target id of the tab. */
  @Override
  public String id() {
    return id;
  }

  /**
   * The DevTools connection of the tab, opened on first use with the Page domain's events on (for
   * {@link #dialog()}), and again once the browser closed it (a discarded tab's page is gone).
   */
  public synchronized DevToolsConnection devTools() {
    if (devTools == null || devTools.isClosed()) {
      devTools = DevToolsConnection.open(browser.http(), webSocketUrl);
      devTools.send("Page.enable");
    }
    return devTools;
  }
  /**
   * Minimizes the tab's window ({@code Browser.setWindowBounds}): its page turns hidden, as when
   * the user switches to another application.
   */
  public void minimizeWindow() {
    DevToolsConnection devTools = devTools();
    Object windowId = devTools.send("Browser.getWindowForTarget").get("windowId");
    devTools.send(
        "Browser.setWindowBounds",
        Map.of("windowId", windowId, "bounds", Map.of("windowState", "minimized")));
  }

  @Override
  public Optional<String> dialog() {
    List<Map<String, Object>> opened = devTools().events("Page.javascriptDialogOpening");
    if (opened.size() <= devTools().events("Page.javascriptDialogClosed").size()) {
      return Optional.empty();
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> params = (Map<String, Object>) opened.get(opened.size() - 1).get("params");
    return Optional.of(String.valueOf(params.get("message")));
  }

  @Override
  public void acceptDialog() {
    devTools().send("Page.handleJavaScriptDialog", Map.of("accept", true));
  }

  /**
   * Evaluates a JavaScript expression in the page, awaiting it if it is a promise, and returns its
   * value as plain JSON values ({@code null} for undefined).
   *
   * @throws DevToolsException if the expression throws or the page is gone
   */
  @Override
  public Object evaluate(String expression) {
    Map<String, Object> result =
        devTools()
            .send(
                "Runtime.evaluate",
                Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
    if (result.containsKey("exceptionDetails")) {
      throw new DevToolsException("'" + expression + "' threw " + result.get("exceptionDetails"));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> value = (Map<String, Object>) result.get("result");
    return value == null ? null : value.get("value");
  }

  /** Navigates the tab to {@code url}, as typing it in the address bar would. */
  @Override
  public void navigate(URI url) {
    devTools().send("Page.navigate", Map.of("url", url.toString()));
  }

  /** Reloads the page, as the reload button would. */
  @Override
  public void reload() {
    devTools().send("Page.reload");
  }

  /** The URL of the tab's document. */
  public String url() {
    return String.valueOf(evaluate("location.href"));
  }

  /** Closes the tab as a user would ({@code /json/close}); the page gets its pagehide. */
  @Override
  public synchronized void close() {
    browser.closeTab(id);
    if (devTools != null) {
      devTools.close();
    }
  }
}
