/**
 * Farewell for Jakarta Servlet 6 containers: the beacon endpoint, the snippet, script injection and
 * the container initializer.
 */
module dev.farewell.servlet {
  requires transitive dev.farewell.core;
  requires transitive jakarta.servlet;
  requires dev.farewell.snippet;
  requires static dev.farewell.okhttp;
  requires org.slf4j;

  exports dev.farewell.servlet;

  provides jakarta.servlet.ServletContainerInitializer with
      dev.farewell.servlet.FarewellInitializer;
}
