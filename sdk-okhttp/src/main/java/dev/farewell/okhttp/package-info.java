/**
 * The HTTP release action: when Farewell releases a session, call another system over HTTP (an
 * identity server's logout, a licence server's check-in) with retries, redirects and an
 * idempotency key. Start at {@link dev.farewell.okhttp.HttpReleaseAction#newBuilder()}.
 *
 * <p>This module is the only one that brings OkHttp (and the Kotlin runtime) onto the classpath;
 * {@code farewell-core} does not depend on it.
 */
package dev.farewell.okhttp;
