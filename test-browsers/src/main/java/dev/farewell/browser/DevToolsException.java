package dev.farewell.browser;

/** A DevTools command failed, timed out, or the connection to the browser broke. */
public final class DevToolsException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with the browser's or the client's message. */
  public DevToolsException(String message) {
    super(message);
  }

  /** Creates the exception with a cause. */
  public DevToolsException(String message, Throwable cause) {
    super(message, cause);
  }
}
