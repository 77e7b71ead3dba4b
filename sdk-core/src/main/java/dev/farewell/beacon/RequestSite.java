package dev.farewell.beacon;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a request comes from, as far as the {@link OriginPolicy} is concerned: the server's own
 * origin (which cookie mode needs), an allowed other origin (which gets CORS headers), or neither
 * (refused with 403).
 */
final class RequestSite {

  /** Whether the request proved it comes from the server's own origin. */
  final boolean sameOrigin;

  /** The allowed other origin to echo in CORS headers, or null. */
  final String corsOrigin;

  /** A request proven to come from the server's own origin (most requests: one instance). */
  private static final RequestSite SAME_ORIGIN = new RequestSite(true, null);

  /** A request without an Origin whose browser does not say it is same-origin. */
  private static final RequestSite UNPROVEN = new RequestSite(false, null);

  private RequestSite(boolean sameOrigin, String corsOrigin) {
    this.sameOrigin = sameOrigin;
    this.corsOrigin = corsOrigin;
  }

  /** Judges a request; throws a 403 rejection when its origin is not allowed. */
  static RequestSite of(BeaconRequest request, OriginPolicy policy, ServerOriginMemo server)
      throws Rejection {
    String fetchSite = request.header("Sec-Fetch-Site").orElse("").trim().toLowerCase(Locale.ROOT);
    boolean crossSite = fetchSite.equals("cross-site");
    Optional<String> originHeader = request.header("Origin");
    if (originHeader.isPresent()) {
      String origin = OriginPolicy.normalize(originHeader.get());
      // A browser never says cross-site for its own origin: such a request confused the Host.
      if (origin != null && origin.equals(server.normalize(request.serverOrigin()))
          && !crossSite) {
        return SAME_ORIGIN;
      }
      if (policy.allowsListed(origin)) {
        return new RequestSite(false, originHeader.get().trim());
      }
      throw forbidden();
    }
    if (crossSite) {
      throw forbidden();
    }
    // No Origin: same-origin only if the browser says so (Fetch Metadata), else unproven.
    return fetchSite.equals("same-origin") ? SAME_ORIGIN : UNPROVEN;
  }

  private static Rejection forbidden() {
    return new Rejection(403, "forbidden_origin", "origin not allowed");
  }
}
