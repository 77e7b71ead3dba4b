/**
 * A headless Chromium for tests, driven through the DevTools protocol: {@link
 * dev.farewell.sample.browser.Chromium} starts it with a fresh profile, opens, closes and crashes
 * tabs, and kills it; {@link dev.farewell.sample.browser.DevToolsConnection} sends commands over a
 * tab's WebSocket. Published in the module's test-jar for the benchmarks.
 */
package dev.farewell.sample.browser;
