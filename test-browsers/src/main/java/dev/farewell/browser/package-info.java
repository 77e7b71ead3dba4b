/**
 * Real browsers for the end-to-end tests, each from a Debian package and driven by a small client
 * of its own protocol, with nothing downloaded at run time: {@link
 * dev.farewell.browser.Chromium} over the DevTools protocol, {@link
 * dev.farewell.browser.Firefox} (Firefox ESR) over WebDriver BiDi, which Firefox speaks
 * itself, and {@link dev.farewell.browser.WebKit} (WebKitGTK's MiniBrowser under Xvfb)
 * through {@code WebKitWebDriver} over classic W3C WebDriver. {@link
 * dev.farewell.browser.Engine} picks one for a parameterized test; {@link
 * dev.farewell.browser.SharedBrowsers} keeps one browser per engine for a test class and gives each
 * test a context of its own; {@link dev.farewell.browser.DevToolsConnection} carries both DevTools
 * and BiDi commands (the two frame them alike).
 *
 * <p>Why no Selenium or Puppeteer: Selenium drives Firefox only through geckodriver, which no
 * reachable registry ships (and its Selenium Manager downloads drivers at run time); puppeteer-core
 * would bring a Node toolchain into the Java tests for two of the three engines and still leave
 * WebKit to WebDriver. The three clients together are a few hundred lines on the JDK and OkHttp,
 * already test dependencies. A module of its own (farewell-test-browsers, never deployed) for the
 * tests of sample-app, sample-spring-boot and the agent, and for the benchmarks.
 */
package dev.farewell.browser;
