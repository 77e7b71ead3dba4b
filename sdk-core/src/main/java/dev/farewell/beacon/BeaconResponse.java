package dev.farewell.beacon;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer of {@link BeaconHandler} to one request, for the adapter to write out: a status, a few
 * headers (the content type among them) and a small JSON body.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class BeaconResponse {

  private final int status;
  private final Map<String, String> headers;
  private final byte[] body;
  private final boolean closeConnection;

  BeaconResponse(int status, Map<String, String> headers, String body, boolean closeConnection) {
    this.status = status;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(headers)));
    this.body = body.getBytes(StandardCharsets.UTF_8);
    this.closeConnection = closeConnection;
  }

  /**
   * An answer that keeps {@code headers}, unmodifiable already, and {@code body}, which no one
   * changes (answers share them), without copying either.
   */
  BeaconResponse(int status, Map<String, String> headers, byte[] body) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.closeConnection = false;
  }

  /** Returns the HTTP status code. */
  public int status() {
    return status;
  }

  /** Returns the response headers to set, in order; unmodifiable. */
  public Map<String, String> headers() {
    return headers;
  }

  /** Returns a copy of the body (UTF-8 JSON, or empty for {@code 204} and {@code 304}). */
  public byte[] body() {
    return body.clone();
  }

  /** Returns the body as text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * Whether the adapter should close the connection after this answer (HTTP/1.1 {@code Connection:
   * close}): the request body was not read to its end, and reading the rest would mean taking in
   * what the limit refused.
   */
  public boolean closeConnection() {
    return closeConnection;
  }

  @Override
  public String toString() {
    return "BeaconResponse{" + status + " " + bodyText() + "}";
  }
}
