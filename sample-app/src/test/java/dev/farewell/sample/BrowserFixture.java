package dev.farewell.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.farewell.PageState;
import dev.farewell.SessionView;
import dev.farewell.browser.Browser;
import dev.farewell.browser.Chromium;
import dev.farewell.browser.Engine;
import dev.farewell.browser.SharedBrowsers;
import dev.farewell.browser.Tab;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A demo and a real browser (Chromium, Firefox or WebKit) for one browser test, with the steps the
 * scenarios share: the browser is a context of its own in the test class's {@link SharedBrowsers}.
 * The timeouts are short so that each scenario takes seconds.
 */
final class BrowserFixture implements AutoCloseable {

  static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(4);
  static final Duration HIDDEN_TIMEOUT = Duration.ofSeconds(10);
  static final Duration EXIT_GRACE = Duration.ofSeconds(1);
  static final Duration NAVIGATION_GRACE = Duration.ofSeconds(3);
  /** The longest a page may take to load and start beating on a busy machine. */
  static final Duration PAGE_LOAD = Duration.ofSeconds(30);

  final SampleApp app;
  final Browser browser;
  /** The gateway the browser reaches the demo through, or null when it reaches it directly. */
  final Gateway gateway;

  private BrowserFixture(SampleApp app, Browser browser, Gateway gateway) {
    this.app = app;
    this.browser = browser;
    this.gateway = gateway;
  }

  /** Opens a Chromium context (or skips the test) and starts a demo with short timeouts. */
  static BrowserFixture start(SharedBrowsers browsers) {
    return start(browsers, Engine.CHROMIUM);
  }

  /**
   * Opens a context of the class's browser of {@code engine} (or skips the test) and starts a demo
   * with short timeouts.
   */
  static BrowserFixture start(SharedBrowsers browsers, Engine engine) {
    return start(browsers, engine, false, HIDDEN_TIMEOUT);
  }

  /**
   * Same as {@link #start(SharedBrowsers, Engine)}, the browser reaching the demo through a {@link
   * Gateway} (a reverse proxy that can add a CSP to pages or refuse heartbeats, and that records
   * the snippet's messages).
   */
  static BrowserFixture startBehindGateway(SharedBrowsers browsers, Engine engine) {
    return start(browsers, engine, true, HIDDEN_TIMEOUT);
  }

  /** Same as {@link #start(SharedBrowsers, Engine)}, with another hidden timeout. */
  static BrowserFixture startWithHiddenTimeout(
      SharedBrowsers browsers, Engine engine, Duration hiddenTimeout) {
    return start(browsers, engine, false, hiddenTimeout);
  }

  private static BrowserFixture start(
      SharedBrowsers browsers, Engine engine, boolean behindGateway, Duration hiddenTimeout) {
    Browser browser = browsers.open(engine);
    try {
      SampleApp app =
          SampleApp.start(
              SampleOptions.newBuilder()
                  .port(0)
                  .seats(4)
                  .heartbeatInterval(HEARTBEAT_INTERVAL)
                  .heartbeatTimeout(HEARTBEAT_TIMEOUT)
                  .hiddenTimeout(hiddenTimeout)
                  .exitGrace(EXIT_GRACE)
                  .navigationGrace(NAVIGATION_GRACE)
                  .build());
      try {
        return new BrowserFixture(app, browser, behindGateway ? Gateway.start(app.uri()) : null);
      } catch (RuntimeException e) {
        app.close();
        throw e;
      }
    } catch (RuntimeException e) {
      browser.close();
      throw e;
    }
  }

  /** Where the browser reaches the demo: through the gateway if there is one. */
  URI uri() {
    return gateway == null ? app.uri() : gateway.uri();
  }

  /** Opens a tab on the login page, logs {@code user} in, and waits until the app page beats. */
  Tab logIn(String user) {
    Tab tab = browser.newTab(uri());
    await()
        .atMost(PAGE_LOAD)
        .ignoreExceptions()
        .until(() -> Boolean.TRUE.equals(tab.evaluate(
            "document.readyState == 'complete' && !!document.querySelector('input[name=user]')")));
    tab.evaluate(
        "document.querySelector('input[name=user]').value = '" + user + "';"
            + " document.querySelector('form').submit(); true");
    awaitAppPage(tab, "/app");
    await().atMost(PAGE_LOAD).until(() -> visiblePages(user) == 1);
    return tab;
  }

  /** Opens one more tab of the logged-in browser on {@code path} and waits until it runs. */
  Tab openAppTab(String path) {
    Tab tab = browser.newTab(uri().resolve(path));
    awaitAppPage(tab, path);
    return tab;
  }

  /** Waits until {@code tab} shows {@code path} with the snippet running. */
  void awaitAppPage(Tab tab, String path) {
    await()
        .atMost(PAGE_LOAD)
        .ignoreExceptions()
        .until(() -> Boolean.TRUE.equals(tab.evaluate(
            "location.pathname == '" + path + "' && document.readyState == 'complete'"
                + " && !!window.Farewell && Farewell.running")));
  }

  /** The browser as Chromium, for the scenarios that need its DevTools protocol. */
  Chromium chromium() {
    return (Chromium) browser;
  }

  /** The live session of {@code user}, if any. */
  Optional<SessionView> session(String user) {
    return app.engine().snapshot().stream()
        .filter(s -> user.equals(s.attributes().get("user")))
        .findFirst();
  }

  /** How many pages of {@code user}'s session are visible. */
  long visiblePages(String user) {
    return session(user)
        .map(s -> s.pages().stream().filter(p -> p.state() == PageState.VISIBLE).count())
        .orElse(0L);
  }

  /** How many pages of {@code user}'s session have not exited (visible or hidden). */
  long livePages(String user) {
    return session(user)
        .map(s -> s.pages().stream().filter(p -> p.state() != PageState.EXITED).count())
        .orElse(0L);
  }

  /** The page states of {@code user}'s session, for assertion messages. */
  List<PageState> pageStates(String user) {
    return session(user)
        .map(s -> s.pages().stream().map(p -> p.state()).collect(Collectors.toList()))
        .orElse(List.of());
  }

  /** The releases of {@code user}. */
  List<ReleaseRecord> releasesOf(String user) {
    return app.releases().stream().filter(r -> r.user().equals(user)).collect(Collectors.toList());
  }

  /** Waits until {@code user} was released once and returns that release. */
  ReleaseRecord awaitRelease(String user, Duration atMost) {
    await().atMost(atMost).until(() -> !releasesOf(user).isEmpty());
    List<ReleaseRecord> releases = releasesOf(user);
    assertThat(releases).as("releases of " + user).hasSize(1);
    return releases.get(0);
  }

  @Override
  public void close() {
    try {
      browser.close();
    } finally {
      if (gateway != null) {
        gateway.close();
      }
      app.close();
    }
  }
}
