/**
 * Real browsers for the end-to-end tests, each from a Debian package and driven by a small client
 * of its own protocol, with nothing downloaded at run time: {@link
 * dev.farewell.sample.browser.Chromium} over the DevTools protocol, {@link
 * dev.farewell.sample.browser.Firefox} (Firefox ESR) over WebDriver BiDi, which Firefox speaks
 * itself, and {@link dev.farewell.sample.browser.WebKit} (WebKitGTK's MiniBrowser under Xvfb)
 * through {@code WebKitWebDriver} over classic W3C WebDriver. {@link
 * dev.farewell.sample.browser.Engine} picks one for a parameterized test; {@link
 * dev.farewell.sample.browser.DevToolsConnection} carries both DevTools and BiDi commands (the
 * two frame them alike).
 *
 * <p>Why no Selenium or Puppeteer: Selenium drives Firefox only through geckodriver, which no
 * reachable registry ships (and its Selenium Manager downloads drivers at run time); puppeteer-core
 * would bring a Node toolchain into the Java tests for two of the three engines and still leave
 * WebKit to WebDriver. The three clients together are a few hundred lines on the JDK and OkHttp,
 * already test dependencies. Published in the module's test-jar for the benchmarks.
 */
package dev.farewell.sample.browser;
