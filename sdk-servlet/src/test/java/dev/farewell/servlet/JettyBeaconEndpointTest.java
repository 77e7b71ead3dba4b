package dev.farewell.servlet;

/** The beacon endpoint in embedded Jetty 12 (ee10). */
class JettyBeaconEndpointTest extends BeaconEndpointContract {
  @Override
  ServletContainer newContainer() {
    return new JettyContainer();
  }
}
