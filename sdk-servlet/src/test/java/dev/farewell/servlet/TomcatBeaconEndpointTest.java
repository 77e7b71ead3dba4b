package dev.farewell.servlet;

/** The beacon endpoint in embedded Tomcat 11. */
class TomcatBeaconEndpointTest extends BeaconEndpointContract {
  @Override
  ServletContainer newContainer() {
    return new TomcatContainer();
  }
}
