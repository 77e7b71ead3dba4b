package dev.farewell.beacon;

/**
 * The last server origin {@linkplain OriginPolicy#normalize normalized}, kept for the next request:
 * a server is addressed under one origin, or a few, so most requests find theirs here. Thread-safe;
 * racing requests at worst normalize again.
 */
final class ServerOriginMemo {

  private volatile String[] last = {null, null};

  /** {@link OriginPolicy#normalize(String)} of {@code serverOrigin}. */
  String normalize(String serverOrigin) {
    String[] pair = last;
    if (serverOrigin == null || serverOrigin.equals(pair[0])) {
      return (serverOrigin == null) ? null : pair[1];
    }
    String normalized = OriginPolicy.normalize(serverOrigin);
    last = new String[] {serverOrigin, normalized};
    return normalized;
  }
}
