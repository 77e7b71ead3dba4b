package dev.farewell.beacon;

/**
 * Thrown inside the handler when a request is refused with a 4xx; carries the status, a short code
 * and a message for the client. Never leaves the package.
 */
final class Rejection extends Exception {
  private static final long serialVersionUID = 1L;

  final int status;
  final String code;
  final boolean beforeBody;

  Rejection(int status, String code, String message) {
    this(status, code, message, false);
  }

  private Rejection(int status, String code, String message, boolean beforeBody) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.beforeBody = beforeBody;
  }

  /** The same rejection, made before the body was read to its end. */
  Rejection beforeBody() {
    return new Rejection(status, code, getMessage(), true);
  }

  static Rejection malformed(String message) {
    return new Rejection(400, "malformed", message);
  }
}
