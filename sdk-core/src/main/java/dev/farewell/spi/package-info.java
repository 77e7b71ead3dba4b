/**
 * The service-provider interface for session stores: where the engine keeps sessions, pages and
 * deadlines. Implement {@link dev.farewell.spi.SessionStore} to keep them elsewhere (the
 * {@code farewell-redis} module shares them between nodes); applications do not need this package.
 */
package dev.farewell.spi;
