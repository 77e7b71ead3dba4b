/**
 * Farewell's engine: releases a server-side session once, when the last browser page that holds it
 * goes away.
 *
 * <p>The API is {@code dev.farewell} (the engine, its builder and value types), {@code
 * dev.farewell.beacon} (the wire format of the browser's signals and page tokens) and {@code
 * dev.farewell.spi} (what a session store implements). {@code dev.farewell.internal} and {@code
 * dev.farewell.internal.release} are machinery and are not exported.
 */
module dev.farewell.core {
  requires com.fasterxml.jackson.core;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;

  exports dev.farewell;
  exports dev.farewell.beacon;
  exports dev.farewell.spi;
}
