package dev.farewell.beacon;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * One HTTP request to the beacon endpoint, as a web framework hands it to {@link BeaconHandler}.
 * Each adapter (servlet, Spring, a plain JDK server) implements this interface over its own request
 * type; the handler does everything else.
 *
 * <p>The handler calls each method at most once per request, on the thread that called {@link
 * BeaconHandler#handle(BeaconRequest)}. Implementations need not be thread-safe.
 */
public interface BeaconRequest {

  /** Returns the HTTP method, upper case as sent ({@code "POST"}). */
  String method();

  /**
   * Returns the first value of a request header, or empty when the request has none.
   *
   * @param name the header name; implementations match it without regard to case
   */
  Optional<String> header(String name);

  /**
   * Returns the raw request body. The handler reads at most {@link BeaconHandler#MAXIMUM_BODY_BYTES}
   * plus one bytes of it and never asks the framework to parse it (no form or multipart parsing by
   * the container), so a large body is never buffered.
   *
   * @throws IOException if the body cannot be read
   */
  InputStream body() throws IOException;

  /**
   * Returns the origin under which this server was addressed, {@code scheme://host[:port]} (for
   * example {@code https://app.example.com}), as the framework derives it from the request's scheme
   * and {@code Host} header. Behind a proxy, configure the framework to honour forwarded headers, or
   * list the public origin in the {@link OriginPolicy}.
   */
  String serverOrigin();

  /**
   * Resolves the session of a message that carries no token, from the request's own credentials
   * (the servlet adapter: the Farewell id stored in the current {@code HttpSession}). The handler
   * calls it only in cookie mode and only for a same-origin request. Must not create a session.
   *
   * @return the session key, or empty when the request belongs to no session; the default has none
   */
  default Optional<String> cookieSessionKey() {
    return Optional.empty();
  }
}
