package dev.farewell.servlet;

import static java.util.Objects.requireNonNull;

import dev.farewell.Farewell;
import dev.farewell.beacon.BeaconHandler;
import dev.farewell.beacon.BeaconResponse;
import dev.farewell.beacon.OriginPolicy;
import dev.farewell.beacon.PageTokens;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionListener;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Farewell for Jakarta Servlet 6: the endpoint servlet for {@code {base}/*} ({@code POST
 * {base}/beacon} for the signals of pages, {@code GET {base}/farewell.js} for the snippet), the
 * one call that gives a page its token, and the {@link HttpSessionBridge} listener.
 *
 * <pre>{@code
 * FarewellServlet farewellServlet = FarewellServlet.newBuilder(farewell)
 *     .pageTokens(PageTokens.newBuilder().secret(secret).build())
 *     .build();
 * farewellServlet.register(servletContext);   // e.g. in ServletContainerInitializer.onStartup
 *
 * // when serving a page:
 * String tag = farewellServlet.scriptTag(request, Map.of("user", userId));
 * }</pre>
 *
 * <p>The work is done by the framework-neutral {@link BeaconHandler}; this class only adapts
 * requests and answers. Instances are immutable and thread-safe.
 */
public final class FarewellServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final Logger logger = LoggerFactory.getLogger(FarewellServlet.class);
  private static final Pattern BASE_PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");
  private static final byte[] NOT_FOUND =
      "{\"status\":\"error\",\"error\":\"not_found\",\"message\":\"no such resource\"}"
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final transient Farewell farewell;
  private final transient BeaconHandler handler;
  private final transient HttpSessionBridge bridge;
  private final transient HttpSessionListener listener;
  private final transient SnippetEndpoint snippet;
  private final transient ServerOrigins origins = new ServerOrigins();
  private final String basePath;

  private FarewellServlet(Builder builder) {
    this.farewell = builder.farewell;
    this.handler = builder.handler.build();
    this.bridge = builder.bridge != null ? builder.bridge : HttpSessionBridge.create();
    this.listener = bridge.listener(farewell);
    this.snippet = SnippetEndpoint.load();
    this.basePath = builder.basePath;
  }

  /**
   * Returns a builder for the servlet of {@code farewell}.
   *
   * @throws NullPointerException if {@code farewell} is null
   */
  public static Builder newBuilder(Farewell farewell) {
    return new Builder(requireNonNull(farewell, "farewell"));
  }

  /** Returns the path under which the servlet is registered, {@code /farewell} by default. */
  public String basePath() {
    return basePath;
  }

  /** Returns the framework-neutral handler that answers beacons. */
  public BeaconHandler beaconHandler() {
    return handler;
  }

  /**
   * Returns the token for the page being served, in one call: gives the request's {@link
   * HttpSession} (created if needed) a random Farewell key if it has none, tells the engine the
   * session is in use ({@link Farewell#track}, which also cancels a pending exit grace: the user
   * is on a new page), and issues a {@link dev.farewell.beacon.PageToken}.
   *
   * <p>If the engine holds its maximum of sessions, or its store fails (logged at WARN), the token
   * is still issued: the page's signals get 503 until room is made or the store is back. A session
   * the engine released while its {@code HttpSession} lived on (no {@link
   * HttpSessionBridge#invalidateOnRelease()}) is tracked again under the same key.
   *
   * @param attributes handed to the release actions (a user id, an SSO ticket); when not empty they
   *     replace those of an earlier call
   * @return the token's value, for the snippet's {@code data-token}
   * @throws NullPointerException if an argument is null
   */
  public String pageToken(HttpServletRequest request, Map<String, String> attributes) {
    requireNonNull(request, "request");
    requireNonNull(attributes, "attributes");
    String key = bridge.keyFor(request.getSession(true));
    try {
      farewell.track(key, attributes);
    } catch (RuntimeException e) {
      // The page still gets its token: its first signal tracks the session once the store is back.
      logger.warn("Could not track session {} while serving its page", key, e);
    }
    return handler.pageTokens().issue(key).value();
  }

  /** Same as {@link #pageToken(HttpServletRequest, Map)} with no attributes. */
  public String pageToken(HttpServletRequest request) {
    return pageToken(request, Map.of());
  }

  /**
   * Returns the {@code <script>} element that starts the snippet on the page being served, with
   * the page's token ({@link #pageToken(HttpServletRequest, Map)}) and the snippet's Subresource
   * Integrity hash: {@code <script src="/ctx/farewell/farewell.js" data-token="…"
   * integrity="sha384-…" defer></script>}.
   *
   * @throws NullPointerException if an argument is null
   */
  public String scriptTag(HttpServletRequest request, Map<String, String> attributes) {
    String token = pageToken(request, attributes);
    return "<script src=\"" + html(request.getContextPath() + basePath + "/farewell.js")
        + "\" data-token=\"" + token + "\" integrity=\"" + snippet.integrity()
        + "\" defer></script>";
  }

  /** Same as {@link #scriptTag(HttpServletRequest, Map)} with no attributes. */
  public String scriptTag(HttpServletRequest request) {
    return scriptTag(request, Map.of());
  }

  /** Returns the snippet's Subresource Integrity hash ({@code sha384-…}). */
  public String snippetIntegrity() {
    return snippet.integrity();
  }

  /**
   * Returns the Farewell key stored in an {@code HttpSession}, or empty if no page of it was
   * given a token yet. Never throws for an invalidated session (empty).
   */
  public Optional<String> sessionKey(HttpSession session) {
    return HttpSessionBridge.keyOf(requireNonNull(session, "session"));
  }

  /**
   * Returns the listener that releases a session (as {@code EXPLICIT}) when the container destroys
   * its {@code HttpSession}. {@link #register(ServletContext)} adds it; add it yourself when you
   * register the servlet another way.
   */
  public HttpSessionListener httpSessionListener() {
    return listener;
  }

  /**
   * Registers this servlet on {@code {base}/*} under the name {@code farewell}, and its {@link
   * #httpSessionListener()}. Call it while the context starts: from {@code
   * ServletContainerInitializer.onStartup} or a declared {@code ServletContextListener}.
   *
   * @return the servlet's registration, to adjust further
   * @throws IllegalStateException if a servlet named {@code farewell} is already registered, or
   *     the context has already started
   */
  public ServletRegistration.Dynamic register(ServletContext context) {
    requireNonNull(context, "context");
    ServletRegistration.Dynamic registration = context.addServlet("farewell", this);
    if (registration == null) {
      throw new IllegalStateException("a servlet named farewell is already registered");
    }
    registration.addMapping(basePath + "/*");
    registration.setLoadOnStartup(1);
    registration.setAsyncSupported(true);
    context.addListener(listener);
    return registration;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String path = request.getPathInfo();
    if ("/beacon".equals(path)) {
      write(request, response, handler.handle(new ServletBeaconRequest(request, origins)));
    } else if ("/farewell.js".equals(path)) {
      snippet.serve(request, response);
    } else {
      response.setStatus(404);
      response.setContentType("application/json");
      response.setContentLength(NOT_FOUND.length);
      response.getOutputStream().write(NOT_FOUND);
    }
  }

  private static void write(
      HttpServletRequest request, HttpServletResponse response, BeaconResponse answer)
      throws IOException {
    response.setStatus(answer.status());
    answer
        .headers()
        .forEach(
            (name, value) -> {
              // The container's own setter: it skips the header-name look-up of setHeader.
              if (name.equals("Content-Type")) {
                response.setContentType(value);
              } else {
                response.setHeader(name, value);
              }
            });
    if (answer.closeConnection() && request.getProtocol().startsWith("HTTP/1")) {
      // The rest of the body is unread: do not let the container read it to keep the connection.
      response.setHeader("Connection", "close");
    }
    byte[] body = answer.body();
    response.setContentLength(body.length);
    if (body.length > 0) {
      try {
        response.getOutputStream().write(body);
      } catch (IOException e) {
        logger.debug("Could not write the beacon answer: the client left", e);
      }
    }
  }

  private static String html(String text) {
    return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;")
        .replace(">", "&gt;");
  }

  /**
   * Builds a {@link FarewellServlet}. Every setter checks its argument at once and may be called
   * once. Not thread-safe; the servlet it builds is.
   */
  public static final class Builder {
    private final Farewell farewell;
    private final BeaconHandler.Builder handler;
    private HttpSessionBridge bridge;
    private String basePath = "/farewell";
    private boolean basePathSet;

    private Builder(Farewell farewell) {
      this.farewell = farewell;
      this.handler = BeaconHandler.newBuilder(farewell);
    }

    /**
     * The path the servlet serves, {@code {base}/beacon} and {@code {base}/farewell.js} below it.
     * Default {@code /farewell}.
     *
     * @throws IllegalArgumentException if it does not start with a slash, ends with one, or has
     *     characters other than {@code [A-Za-z0-9._~-]} between slashes
     */
    public Builder basePath(String basePath) {
      requireNonNull(basePath, "basePath");
      if (basePathSet) {
        throw new IllegalStateException("basePath was already set");
      }
      if (!BASE_PATH.matcher(basePath).matches()) {
        throw new IllegalArgumentException(
            "basePath must look like /farewell (segments of [A-Za-z0-9._~-]), was \"" + basePath
                + "\"");
      }
      this.basePath = basePath;
      basePathSet = true;
      return this;
    }

    /** See {@link BeaconHandler.Builder#pageTokens(PageTokens)}. */
    public Builder pageTokens(PageTokens tokens) {
      handler.pageTokens(tokens);
      return this;
    }

    /** See {@link BeaconHandler.Builder#originPolicy(OriginPolicy)}. */
    public Builder originPolicy(OriginPolicy policy) {
      handler.originPolicy(policy);
      return this;
    }

    /**
     * Whether a same-origin message without a token is resolved through the request's {@code
     * HttpSession} cookie. See {@link BeaconHandler.Builder#cookieMode(boolean)}.
     */
    public Builder cookieMode(boolean enabled) {
      handler.cookieMode(enabled);
      return this;
    }

    /** See {@link BeaconHandler.Builder#pageRateLimit(int, Duration)}. */
    public Builder pageRateLimit(int signals, Duration period) {
      handler.pageRateLimit(signals, period);
      return this;
    }

    /** See {@link BeaconHandler.Builder#sessionRateLimit(int, Duration)}. */
    public Builder sessionRateLimit(int signals, Duration period) {
      handler.sessionRateLimit(signals, period);
      return this;
    }

    /** See {@link BeaconHandler.Builder#maximumRateLimitedPages(long)}. */
    public Builder maximumRateLimitedPages(long maximum) {
      handler.maximumRateLimitedPages(maximum);
      return this;
    }

    /** The time source of the rate limiter. See {@link BeaconHandler.Builder#ticker}. */
    public Builder ticker(dev.farewell.Ticker ticker) {
      handler.ticker(ticker);
      return this;
    }

    /**
     * The bridge whose {@link HttpSessionBridge#invalidateOnRelease()} was added to the engine.
     * Default: a bridge of its own (destroyed {@code HttpSession}s still release their sessions;
     * released sessions do not invalidate their {@code HttpSession}s).
     */
    public Builder httpSessionBridge(HttpSessionBridge bridge) {
      requireNonNull(bridge, "httpSessionBridge");
      if (this.bridge != null) {
        throw new IllegalStateException("httpSessionBridge was already set");
      }
      this.bridge = bridge;
      return this;
    }

    /**
     * Builds the servlet.
     *
     * @throws IllegalStateException if the snippet is not on the class path (farewell-js)
     */
    public FarewellServlet build() {
      return new FarewellServlet(this);
    }
  }
}
