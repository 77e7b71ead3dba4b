package dev.farewell.beacon;

import static java.util.Objects.requireNonNull;

import dev.farewell.Farewell;
import dev.farewell.ReleaseReason;
import dev.farewell.SessionView;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import dev.farewell.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beacon endpoint of wire protocol v1, free of any web framework: it takes a {@link
 * BeaconRequest}, checks origin, content type, size, message and token, applies the signal to the
 * {@link Farewell} engine and returns the {@link BeaconResponse} to write. Adapters (the servlet
 * module, or a few lines for Spring or the JDK's HTTP server) only translate requests and answers.
 *
 * <pre>{@code
 * BeaconHandler handler = BeaconHandler.newBuilder(farewell)
 *     .pageTokens(PageTokens.newBuilder().secret(secret).build())
 *     .originPolicy(OriginPolicy.allowing("https://app.example.com"))
 *     .build();
 * BeaconResponse response = handler.handle(request);
 * }</pre>
 *
 * <p>A token may start tracking a session the engine does not know (adoption: pages outlive an
 * in-memory engine's restart) only while it is <em>young</em>, issued no longer ago than the
 * engine's {@linkplain dev.farewell.spi.SessionRules#tombstoneTtl() tombstone TTL}: a session
 * released since then still has its tombstone, so a young token cannot revive it. An older token
 * may signal a live session, but for a key that is not live it is answered 410 {@code released}
 * with reason {@code TIMEOUT}, and the engine is not touched. Live pages keep young tokens: the
 * answer to a signal the engine accepted (not an exit, and not one it ignored as a replay or
 * refused) carries a fresh token once the page's is older than half of the smaller of the token's
 * maximum age and the tombstone TTL. A fresh token keeps the time its chain began and its expiry,
 * so no chain of renewals outlives the maximum age. Cookie mode may adopt whatever the time: the
 * container vouches that the request's session still exists (the engine itself still refuses keys
 * it does not know while it may have forgotten tombstones early, see {@link Farewell#signal}).
 *
 * <p>Signals are rate limited per page and per session (token buckets in tables of fixed size), so
 * a client that invents a page id for every message is held to its session's rate.
 *
 * <p>Every input from the wire gets an answer: 2xx, 410, a 4xx with a short JSON reason, or 503
 * when the engine is full or closed; none throws, none is logged above DEBUG, and none that is
 * refused changes any session. Instances are immutable and thread-safe.
 */
public final class BeaconHandler {

  private static final Logger logger = LoggerFactory.getLogger(BeaconHandler.class);

  /** The largest body the endpoint reads; a larger one is refused with 413. */
  public static final int MAXIMUM_BODY_BYTES = 4096;

  private static final String JSON = "application/json";

  /** The headers of most answers: no CORS, a JSON body that no cache may keep. */
  private static final Map<String, String> NO_STORE_JSON = noStoreJson(new LinkedHashMap<>());

  private static final byte[] EXITING = ascii("{\"status\":\"exiting\"}");

  /** The body of a 410 for each reason, by ordinal. */
  private static final byte[][] RELEASED = new byte[ReleaseReason.values().length][];

  static {
    for (ReleaseReason reason : ReleaseReason.values()) {
      RELEASED[reason.ordinal()] =
          ascii("{\"status\":\"released\",\"reason\":\"" + reason.name() + "\"}");
    }
  }

  private final Farewell farewell;
  private final PageTokens tokens;
  private final OriginPolicy origins;
  private final boolean cookieMode;
  private final PageRateLimiter pageRateLimiter;
  private final PageRateLimiter sessionRateLimiter;
  private final long heartbeatMillis;
  private final Duration adoptionWindow;
  /** The answer to a signal the page goes on after without a fresh token, encoded once. */
  private final byte[] live;
  private final ServerOriginMemo serverOrigin = new ServerOriginMemo();
  private final Refusals refusals = new Refusals();

  private BeaconHandler(Builder builder) {
    this.farewell = builder.farewell;
    this.tokens = builder.tokens != null ? builder.tokens : PageTokens.newBuilder().build();
    this.origins = builder.origins;
    this.cookieMode = builder.cookieMode;
    this.pageRateLimiter =
        new PageRateLimiter(
            builder.rateSignals, builder.ratePeriod, builder.maximumRatePages, builder.ticker);
    this.sessionRateLimiter =
        new PageRateLimiter(
            builder.sessionRateSignals,
            builder.sessionRatePeriod,
            builder.maximumRatePages,
            builder.ticker);
    this.heartbeatMillis = farewell.rules().heartbeatInterval().toMillis();
    this.adoptionWindow = farewell.rules().tombstoneTtl();
    this.live = ascii(liveJson().append('}').toString());
  }

  private StringBuilder liveJson() {
    return new StringBuilder("{\"status\":\"live\",\"heartbeatMs\":").append(heartbeatMillis);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Returns a builder for a handler that feeds {@code farewell}.
   *
   * @throws NullPointerException if {@code farewell} is null
   */
  public static Builder newBuilder(Farewell farewell) {
    return new Builder(requireNonNull(farewell, "farewell"));
  }

  /** Returns the engine this handler feeds. */
  public Farewell farewell() {
    return farewell;
  }

  /** Returns the tokens this handler verifies (and the application issues with). */
  public PageTokens pageTokens() {
    return tokens;
  }

  /** Returns the origin policy. */
  public OriginPolicy originPolicy() {
    return origins;
  }

  /** Whether a message without a token may be resolved through the request's own session. */
  public boolean cookieMode() {
    return cookieMode;
  }

  /**
   * Returns how many requests this handler refused, by HTTP status: an entry for every status it
   * can refuse with (400, 401, 403, 405, 413, 415, 429 and 503), in order, zero included. A
   * snapshot; cheap. The {@code 410} that tells a page its session was released is an answer, not a
   * refusal.
   */
  public Map<Integer, Long> refusals() {
    return refusals.snapshot();
  }

  /**
   * Answers one request to {@code {base}/beacon}.
   *
   * @return the answer to write; never null
   * @throws NullPointerException if {@code request} is null
   */
  public BeaconResponse handle(BeaconRequest request) {
    requireNonNull(request, "request");
    Map<String, String> headers = new LinkedHashMap<>();
    try {
      return answer(request, headers);
    } catch (Rejection rejection) {
      logger.debug("Beacon refused with {}: {}", rejection.status, rejection.getMessage());
      refusals.count(rejection.status);
      // A body refused before it was read (or read only to the limit) is not read on by the
      // container either, however large it claims to be: the connection goes.
      boolean unread = rejection.status == 413 || rejection.beforeBody && hasBody(request);
      return error(rejection, headers, unread);
    }
  }

  private static boolean hasBody(BeaconRequest request) {
    return request.header("Transfer-Encoding").isPresent()
        || request.header("Content-Length").map(length -> !length.trim().equals("0")).orElse(false);
  }

  private BeaconResponse answer(BeaconRequest request, Map<String, String> headers)
      throws Rejection {
    RequestSite site;
    MediaType media;
    long declared;
    try {
      site = RequestSite.of(request, origins, serverOrigin);
      if (site.corsOrigin != null) {
        headers.put("Access-Control-Allow-Origin", site.corsOrigin);
        headers.put("Access-Control-Allow-Credentials", "true");
        headers.put("Vary", "Origin");
      }
      String method = request.method();
      if ("OPTIONS".equals(method)) {
        if (site.corsOrigin != null) {
          headers.put("Access-Control-Allow-Methods", "POST");
          headers.put("Access-Control-Allow-Headers", "Content-Type");
          headers.put("Access-Control-Max-Age", "600");
          headers.put(
              "Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
        }
        headers.put("Allow", "POST, OPTIONS");
        return new BeaconResponse(204, headers, "", false);
      }
      if (!"POST".equals(method)) {
        headers.put("Allow", "POST, OPTIONS");
        throw new Rejection(405, "method_not_allowed", "use POST");
      }
      media = BodyDecoder.accept(request.header("Content-Type").orElse(null));
      declared = declaredLength(request.header("Content-Length"));
      if (declared > MAXIMUM_BODY_BYTES) {
        throw tooLarge();
      }
    } catch (Rejection beforeBody) {
      throw beforeBody.beforeBody();
    }
    // Room for the declared length and one byte more (to see a body longer than declared), or
    // for the limit and one byte more; a body that overruns its declared length gets the latter.
    byte[] body = new byte[(declared >= 0 ? (int) declared : MAXIMUM_BODY_BYTES) + 1];
    int length;
    try {
      InputStream in = body(request);
      length = read(in, body, 0);
      if (length == body.length && length <= MAXIMUM_BODY_BYTES) {
        body = Arrays.copyOf(body, MAXIMUM_BODY_BYTES + 1);
        length = read(in, body, length);
      }
    } catch (Rejection unreadable) {
      throw unreadable.beforeBody();
    }
    if (length > MAXIMUM_BODY_BYTES) {
      throw tooLarge();
    }
    BeaconMessage message = MessageParser.parse(media, body, length);

    String sessionKey;
    PageToken token = null;
    Instant now = tokens.now();
    // An empty token counts as none: a page whose data-token was left empty uses cookie mode.
    if (message.token().isPresent() && !message.token().get().isEmpty()) {
      token =
          tokens
              .verify(message.token().get(), now)
              .orElseThrow(() -> unauthorized("token is forged or expired"));
      sessionKey = token.sessionKey();
    } else if (cookieMode && site.sameOrigin) {
      sessionKey =
          request
              .cookieSessionKey()
              .filter(key -> !key.isEmpty())
              .orElseThrow(() -> unauthorized("no token and no session"));
    } else {
      throw unauthorized("token is missing");
    }

    // The page's bucket first: a page that floods does not spend its session's signals.
    long waitNanos = pageRateLimiter.acquire(sessionKey, message.page(), sessionRateLimiter);
    if (waitNanos > 0) {
      throw rateLimited(headers, waitNanos, "too many signals from this page");
    }
    if (waitNanos < 0) {
      throw rateLimited(headers, -waitNanos, "too many signals from this session");
    }

    if (token != null
        && message.type() != SignalType.EXIT
        && !tokens.issuedWithin(token, adoptionWindow, now)) {
      // The session may have been released longer ago than its tombstone lasts: starting it again
      // would release it twice. An EXIT needs no check, it never starts a session.
      if (!isLive(sessionKey)) {
        return released(headers, ReleaseReason.TIMEOUT);
      }
      // Live at the check. Should it be released before the signal below, its tombstone answers
      // the signal: this relies on the tombstone as every young token does. Should a key found not
      // live become live right after the check, the 410 above held at the moment of the check and
      // changed nothing; the new session's own pages carry young tokens.
    }

    Signal signal =
        new Signal(
            message.type(),
            sessionKey,
            message.page(),
            message.seq(),
            message.hidden(),
            message.nav() && message.type() == SignalType.EXIT);
    SignalResult result;
    try {
      result = farewell.signal(signal);
    } catch (RuntimeException e) {
      // Not the client's fault: the store failed (a shared store unreachable, say).
      logger.warn("Signal for session {} failed in the engine", sessionKey, e);
      throw new Rejection(503, "unavailable", "the session store is unavailable");
    }
    switch (result.status()) {
      case LIVE:
        // Only a signal the engine took renews: a replay it ignored, or an exit, says nothing of
        // a page that lives on. The renewal keeps its chain's expiry.
        if (token != null
            && result.accepted()
            && signal.type() != SignalType.EXIT
            && tokens.shouldRefresh(token, adoptionWindow, now)) {
          // Token values are base64url and a dot: nothing to escape.
          String renewed = tokens.renew(token, now).value();
          return json(
              200,
              headers,
              ascii(liveJson().append(",\"token\":\"").append(renewed).append("\"}").toString()));
        }
        return json(200, headers, live);
      case EXITING:
        return json(200, headers, EXITING);
      case RELEASED:
        return released(headers, result.reason().orElseThrow());
      case FULL:
        throw new Rejection(503, "full", "the server holds its maximum of sessions or pages");
      case CLOSED:
      default:
        throw new Rejection(503, "unavailable", "the server is shutting down");
    }
  }

  /**
   * Whether the engine holds {@code sessionKey} live (for a shared store, a round trip that only
   * signals with an old token pay).
   */
  private boolean isLive(String sessionKey) throws Rejection {
    Optional<SessionView> session;
    try {
      session = farewell.session(sessionKey);
    } catch (RuntimeException e) {
      logger.warn("Looking up session {} failed in the engine", sessionKey, e);
      throw new Rejection(503, "unavailable", "the session store is unavailable");
    }
    if (session.isEmpty() && farewell.isClosed()) {
      throw new Rejection(503, "unavailable", "the server is shutting down");
    }
    return session.isPresent();
  }

  private static BeaconResponse released(Map<String, String> headers, ReleaseReason reason) {
    return json(410, headers, RELEASED[reason.ordinal()]);
  }

  private static InputStream body(BeaconRequest request) throws Rejection {
    try {
      return request.body();
    } catch (IOException | RuntimeException e) {
      throw Rejection.malformed("body could not be read");
    }
  }

  /** The declared body length, or -1 when there is none or it is no number. */
  private static long declaredLength(Optional<String> declared) {
    if (declared.isEmpty()) {
      return -1;
    }
    try {
      long length = Long.parseLong(declared.get().trim());
      return length >= 0 ? length : -1;
    } catch (NumberFormatException e) {
      return -1; // the container refuses a malformed length before we see it
    }
  }

  /**
   * Reads into {@code buffer} from {@code length} on, up to its end and not one byte more; returns
   * the length read in all.
   */
  private static int read(InputStream in, byte[] buffer, int length) throws Rejection {
    try {
      while (length < buffer.length) {
        int n = in.read(buffer, length, buffer.length - length);
        if (n < 0) {
          break;
        }
        length += n;
      }
    } catch (IOException | RuntimeException e) {
      // A broken chunked encoding, a reset or a read timeout; some containers throw unchecked.
      throw Rejection.malformed("body could not be read");
    }
    return length;
  }

  private static Rejection rateLimited(
      Map<String, String> headers, long waitNanos, String message) {
    long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    headers.put("Retry-After", Long.toString(seconds));
    return new Rejection(429, "rate_limited", message);
  }

  private static Rejection unauthorized(String message) {
    return new Rejection(401, "unauthorized", message);
  }

  private static Rejection tooLarge() {
    return new Rejection(413, "too_large", "body exceeds " + MAXIMUM_BODY_BYTES + " bytes");
  }

  /** A JSON answer that no cache may keep, with {@code headers} (CORS) before its own. */
  private static BeaconResponse json(int status, Map<String, String> headers, byte[] body) {
    return new BeaconResponse(
        status, headers.isEmpty() ? NO_STORE_JSON : noStoreJson(headers), body);
  }

  private static Map<String, String> noStoreJson(Map<String, String> headers) {
    headers.put("Cache-Control", "no-store");
    headers.put("Content-Type", JSON);
    return Collections.unmodifiableMap(headers);
  }

  private static BeaconResponse error(
      Rejection rejection, Map<String, String> headers, boolean closeConnection) {
    headers.put("Cache-Control", "no-store");
    headers.put("Content-Type", JSON);
    // Codes and messages are constants of this package: nothing from the wire is echoed.
    String body =
        "{\"status\":\"error\",\"error\":\"" + rejection.code + "\",\"message\":\""
            + rejection.getMessage() + "\"}";
    return new BeaconResponse(rejection.status, headers, body, closeConnection);
  }

  @Override
  public String toString() {
    return "BeaconHandler{" + origins + ", cookieMode=" + cookieMode + "}";
  }

  /**
   * Builds a {@link BeaconHandler}. Every setter checks its argument at once and may be called
   * once. Not thread-safe; the handler it builds is.
   */
  public static final class Builder {
    private final Farewell farewell;
    private PageTokens tokens;
    private OriginPolicy origins = OriginPolicy.sameOrigin();
    private boolean cookieMode;
    private int rateSignals = 20;
    private Duration ratePeriod = Duration.ofSeconds(10);
    private int sessionRateSignals = 60;
    private Duration sessionRatePeriod = Duration.ofSeconds(10);
    private long maximumRatePages = 100_000;
    private Ticker ticker = Ticker.system();
    private final java.util.Set<String> set = new java.util.HashSet<>();

    private Builder(Farewell farewell) {
      this.farewell = farewell;
    }

    private void once(String name) {
      if (!set.add(name)) {
        throw new IllegalStateException(name + " was already set");
      }
    }

    /**
     * The tokens to verify. Default: {@link PageTokens} with a random secret (and a WARN); the
     * application must issue its tokens with the same instance ({@link BeaconHandler#pageTokens()}).
     */
    public Builder pageTokens(PageTokens tokens) {
      once("pageTokens");
      this.tokens = requireNonNull(tokens, "pageTokens");
      return this;
    }

    /** Which origins may signal. Default {@link OriginPolicy#sameOrigin()}. */
    public Builder originPolicy(OriginPolicy policy) {
      once("originPolicy");
      this.origins = requireNonNull(policy, "originPolicy");
      return this;
    }

    /**
     * Whether a same-origin message without a token is resolved to a session through {@link
     * BeaconRequest#cookieSessionKey()} (the request's own session cookie). Default false: every
     * message needs a token.
     */
    public Builder cookieMode(boolean enabled) {
      once("cookieMode");
      this.cookieMode = enabled;
      return this;
    }

    /**
     * How many signals one page may send: {@code signals} at once, refilled at {@code signals} per
     * {@code period}; more get 429 with {@code Retry-After}. Default 20 per 10 seconds.
     *
     * @throws IllegalArgumentException if {@code signals < 1} or {@code period} is not positive
     */
    public Builder pageRateLimit(int signals, Duration period) {
      once("pageRateLimit");
      requireNonNull(period, "period");
      if (signals < 1) {
        throw new IllegalArgumentException("signals must be >= 1, was " + signals);
      }
      if (period.isNegative() || period.isZero()) {
        throw new IllegalArgumentException("period must be > 0, was " + period);
      }
      this.rateSignals = signals;
      this.ratePeriod = period;
      return this;
    }

    /**
     * How many signals all pages of one session may send together: {@code signals} at once,
     * refilled at {@code signals} per {@code period}; more get 429 with {@code Retry-After}. This
     * holds a client that invents a new page id for every message to its session's rate; a page is
     * never refused for another session's signals. Default 60 per 10 seconds (three pages' worth
     * of the default page limit; a session's hidden tabs beat about once a minute).
     *
     * @throws IllegalArgumentException if {@code signals < 1} or {@code period} is not positive
     */
    public Builder sessionRateLimit(int signals, Duration period) {
      once("sessionRateLimit");
      requireNonNull(period, "period");
      if (signals < 1) {
        throw new IllegalArgumentException("signals must be >= 1, was " + signals);
      }
      if (period.isNegative() || period.isZero()) {
        throw new IllegalArgumentException("period must be > 0, was " + period);
      }
      this.sessionRateSignals = signals;
      this.sessionRatePeriod = period;
      return this;
    }

    /**
     * How many pages the rate limiter remembers: the size of its table, rounded up to a power of
     * two (at most 2^24); a second table of the same size holds the sessions' buckets. Pages share
     * the table in sets of two; a page that finds its set full takes the place of the one used
     * least recently, which starts again from a full bucket when it next signals (sessions alike).
     * Default 100,000.
     *
     * @throws IllegalArgumentException if {@code maximum < 1}
     */
    public Builder maximumRateLimitedPages(long maximum) {
      once("maximumRateLimitedPages");
      if (maximum < 1) {
        throw new IllegalArgumentException("maximumRateLimitedPages must be >= 1, was " + maximum);
      }
      this.maximumRatePages = maximum;
      return this;
    }

    /** The time source of the rate limiter; tests pass a fake one. Default {@link Ticker#system()}. */
    public Builder ticker(Ticker ticker) {
      once("ticker");
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /** Builds the handler. */
    public BeaconHandler build() {
      return new BeaconHandler(this);
    }
  }
}
