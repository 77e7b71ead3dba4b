/**
 * Farewell for Jakarta Servlet 6 containers (Jetty 12, Tomcat 10.1/11, and others): {@link
 * dev.farewell.servlet.FarewellServlet} serves the beacon and the snippet under {@code /farewell}
 * and gives each served page its token in one call; {@link dev.farewell.servlet.HttpSessionBridge}
 * releases a session when its {@code HttpSession} is destroyed, and invalidates the {@code
 * HttpSession} when the engine releases the session; {@link
 * dev.farewell.servlet.ScriptInjectionFilter} puts the script tag into HTML pages; {@link
 * dev.farewell.servlet.FarewellInitializer} wires all of it into a WAR that has the jar and a
 * configured secret, with no code. Guides: docs/getting-started.md and docs/zero-code.md.
 */
package dev.farewell.servlet;
