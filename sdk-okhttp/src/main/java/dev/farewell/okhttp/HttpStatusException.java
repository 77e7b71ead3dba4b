package dev.farewell.okhttp;

/**
 * An HTTP release call answered with a status that is not a success. For 429 and 5xx it is the
 * cause of the {@link dev.farewell.RetryableReleaseException} that asked for a retry; for other
 * statuses it fails the action at once. The URL is given without its query, which may hold
 * secrets.
 */
public final class HttpStatusException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int code;
  private final String url;

  /**
   * Creates the exception.
   *
   * @param code the HTTP status code of the final response
   * @param method the request's method
   * @param url the final URL without its query
   */
  public HttpStatusException(int code, String method, String url) {
    super("HTTP " + code + " from " + method + " " + url);
    this.code = code;
    this.url = url;
  }

  /** The HTTP status code of the final response (after redirects). */
  public int code() {
    return code;
  }

  /** The URL that answered, without its query. */
  public String url() {
    return url;
  }
}
