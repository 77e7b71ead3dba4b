/**
 * Farewell releases server-side sessions soon after the browser page holding them goes away: build
 * one {@link dev.farewell.Farewell} engine, feed it the {@link dev.farewell.Signal}s of pages, and
 * it runs your {@link dev.farewell.ReleaseAction}s exactly once per session.
 *
 * <p>This package is the whole public API of the engine; {@code dev.farewell.spi} is for session
 * stores, and {@code dev.farewell.internal} is machinery that may change at any time. The rules the
 * engine keeps, and why, are in {@code docs/architecture.md}.
 */
package dev.farewell;
