/**
 * Farewell for Jakarta Servlet 6 containers (Jetty 12, Tomcat 10.1/11, and others): {@link
 * dev.farewell.servlet.FarewellServlet} serves the beacon and the snippet under {@code /farewell}
 * and gives each served page its token in one call; {@link dev.farewell.servlet.HttpSessionBridge}
 * releases a session when its {@code HttpSession} is destroyed, and invalidates the {@code
 * HttpSession} when the engine releases the session.
 */
package dev.farewell.servlet;
