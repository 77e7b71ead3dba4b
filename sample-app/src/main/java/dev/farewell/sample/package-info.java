/**
 * The Farewell demo: a seat-limited web app on embedded Jetty 12 with a live dashboard, run with
 * {@code java -jar farewell-sample-app.jar --seats 2} ({@link dev.farewell.sample.Main}) or started
 * in-process by tests ({@link dev.farewell.sample.SampleApp}). Its {@code Wiring} class is the part
 * an application copies; {@code docs/getting-started.md} walks through it.
 */
package dev.farewell.sample;
