package dev.farewell.servlet;

import static java.util.Objects.requireNonNull;

import dev.farewell.Farewell;
import dev.farewell.SignalResult;
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
 * {base}/beacon} for the signals of pages, {@code GET {base}/farewell.js} for the snippet, {@code GET
 * {base}/farewell-worker.js} for its dedicated worker), the
 * one call that gives a page its token, and the {@link HttpSessionBridge} listener.
 *
 * <pre>{@code
 * FarewellServlet farewellServlet = FarewellServlet.newBuilder(farewell)
 *     .pageTokens(PageTokens.newBuilder().secret(secret).build())
 *     .build();
 * farewellServlet.register(servletContext);   // in ServletContainerInitializer.onStartup
 *
 * // at login:
 * FarewellServlet.from(servletContext).track(request, Map.of("user", userId));
 * // when serving a page of a logged-in user:
 * String tag = FarewellServlet.from(servletContext).scriptTag(request);
 * }</pre>
 *
 * <p>The work is done by the framework-neutral {@link BeaconHandler}; this class only adapts
 * requests and answers. Instances are immutable and thread-safe.
 */
public final class FarewellServlet extends HttpServlet {

  /** Set on a request once a script tag was made for it. */
  static final String TAG_ISSUED_ATTRIBUTE = "dev.farewell.scriptTagIssued";
  /** The token of the tag {@link ScriptInjectionFilter} put in the request's page. */
  static final String FILTER_TOKEN_ATTRIBUTE = "dev.farewell.filterToken";

  private static final long serialVersionUID = 1L;
  private static final Logger logger = LoggerFactory.getLogger(FarewellServlet.class);
  private static final Pattern CSP_NONCE = Pattern.compile("[A-Za-z0-9+/=_-]+");
  private static final Pattern BASE_PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");
  private static final byte[] NOT_FOUND =
      "{\"status\":\"error\",\"error\":\"not_found\",\"message\":\"no such resource\"}"
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final transient Farewell farewell;
  private final transient BeaconHandler handler;
  private final transient HttpSessionBridge bridge;
  private final transient HttpSessionListener listener;
  private final transient SnippetEndpoint snippet;
  private final transient SnippetEndpoint worker;
  private final transient ServerOrigins origins = new ServerOrigins();
  private final String basePath;
  private transient volatile TagParts tagParts;

  /** The servlet context attribute under which {@link #register} leaves the servlet. */
  static final String CONTEXT_ATTRIBUTE = FarewellServlet.class.getName();

  private FarewellServlet(Builder builder) {
    this.farewell = builder.farewell;
    this.handler = builder.handler.build();
    this.bridge = builder.bridge != null ? builder.bridge : HttpSessionBridge.create();
    this.listener = bridge.listener(farewell);
    this.snippet = SnippetEndpoint.load();
    this.worker = SnippetEndpoint.loadWorker();
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
   * Starts watching the request's {@link HttpSession} now, before any page of it carries the
   * script tag: call it where the application logs the user in (where it takes the seat, the
   * licence, the SSO session). Gives the {@code HttpSession} (created if needed) a random Farewell
   * key if it has none and tells the engine the session is in use ({@link Farewell#track}).
   *
   * <p>From then on the engine's open timeout (30 s by default) covers the window between login
   * and the first page with the tag: if no page of the session ever signals (the tab was closed
   * while the first page loaded, or the user never got past the login redirect), the session is
   * released with {@code TIMEOUT}, so the seat does not wait for the container's session timeout.
   * Every page the user may then stay on must carry the tag ({@link #scriptTag}); otherwise the
   * session is released while the user reads an untagged page.
   *
   * <p>Call it after anything that replaces the {@code HttpSession} at login (invalidating the
   * anonymous one); {@link HttpServletRequest#changeSessionId()} keeps the key, before or after.
   *
   * @param attributes handed to the release actions as {@link dev.farewell.Release#attributes()}
   *     (the user id whose seat to free, an SSO ticket); when not empty they replace those of an
   *     earlier call
   * @return {@code LIVE}; {@code FULL} when the engine holds its maximum of sessions (refuse the
   *     login, or let it go unwatched); {@code CLOSED} once the engine is closed
   * @throws NullPointerException if an argument is null
   * @throws RuntimeException what the engine's store throws when it cannot be reached (Redis)
   */
  public SignalResult track(HttpServletRequest request, Map<String, String> attributes) {
    requireNonNull(request, "request");
    requireNonNull(attributes, "attributes");
    return farewell.track(bridge.keyFor(request.getSession(true)), attributes);
  }

  /** Same as {@link #track(HttpServletRequest, Map)} with no attributes. */
  public SignalResult track(HttpServletRequest request) {
    return track(request, Map.of());
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
   * <p>The request is marked as one whose page starts the snippet itself: {@link
   * ScriptInjectionFilter} adds no tag to it. When the filter already put its tag in the page (the
   * page's head went out before this call), this returns that tag's token.
   *
   * @param attributes handed to the release actions (a user id, an SSO ticket); when not empty they
   *     replace those of an earlier call
   * @return the token's value, for the snippet's {@code data-token}
   * @throws NullPointerException if an argument is null
   */
  public String pageToken(HttpServletRequest request, Map<String, String> attributes) {
    return marked(request, token(request, attributes));
  }

  private String token(HttpServletRequest request, Map<String, String> attributes) {
    requireNonNull(request, "request");
    requireNonNull(attributes, "attributes");
    String key = bridge.keyFor(request.getSession(true));
    if (attributes.isEmpty()) {
      // The drop-in's farewell.sessionAttributes, copied for every page that gets a tag, also the
      // ones a page prints itself (the JSP tag) rather than the injection filter.
      attributes = CopiedAttributes.of(request);
    }
    track(key, attributes);
    return request.getAttribute(FILTER_TOKEN_ATTRIBUTE) instanceof String issued
        ? issued
        : handler.pageTokens().issue(key).value();
  }

  private void track(String key, Map<String, String> attributes) {
    try {
      farewell.track(key, attributes);
    } catch (RuntimeException e) {
      // The page still gets its token: its first signal tracks the session once the store is back.
      logger.warn("Could not track session {} while serving its page", key, e);
    }
  }

  /** Same as {@link #pageToken(HttpServletRequest, Map)} with no attributes. */
  public String pageToken(HttpServletRequest request) {
    return pageToken(request, Map.of());
  }

  /**
   * Returns the {@code <script>} element that starts the snippet on the page being served, with
   * the page's token ({@link #pageToken(HttpServletRequest, Map)}) and the snippet's Subresource
   * Integrity hash and its beacon endpoint (the snippet posts to {@code /farewell/beacon} of the
   * page's origin unless told otherwise): {@code <script src="/ctx/farewell/farewell.js"
   * data-token="…" integrity="sha384-…" data-endpoint="/ctx/farewell/beacon" defer></script>}.
   * Returns an empty string when {@link ScriptInjectionFilter} already put the tag in the page
   * (its head went out before this call): a page carries one tag.
   *
   * @throws NullPointerException if an argument is null
   */
  public String scriptTag(HttpServletRequest request, Map<String, String> attributes) {
    return ownTag(request, attributes, null);
  }

  /**
   * Same as {@link #scriptTag(HttpServletRequest, Map)}, with a {@code nonce} attribute for a
   * page whose {@code Content-Security-Policy} allows scripts by nonce ({@code script-src
   * 'nonce-…'}): pass the nonce of the page's policy.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code cspNonce} is empty or has characters other than
   *     base64 ones ({@code [A-Za-z0-9+/=_-]})
   */
  public String scriptTag(
      HttpServletRequest request, Map<String, String> attributes, String cspNonce) {
    requireNonNull(cspNonce, "cspNonce");
    return ownTag(request, attributes, cspNonce);
  }

  /** Tells {@link ScriptInjectionFilter} that this page carries the snippet already. */
  private static String marked(HttpServletRequest request, String tag) {
    request.setAttribute(TAG_ISSUED_ATTRIBUTE, Boolean.TRUE);
    return tag;
  }

  /** The tag the application asked for (without nonce when {@code cspNonce} is null). */
  private String ownTag(
      HttpServletRequest request, Map<String, String> attributes, String cspNonce) {
    if (cspNonce != null && !CSP_NONCE.matcher(cspNonce).matches()) {
      throw new IllegalArgumentException(
          "cspNonce must be base64 characters ([A-Za-z0-9+/=_-]), was \"" + cspNonce + "\"");
    }
    String token = token(request, attributes);
    return marked(request,
        request.getAttribute(FILTER_TOKEN_ATTRIBUTE) != null ? "" : tag(request, token, cspNonce));
  }

  /**
   * The tag {@link ScriptInjectionFilter} puts in a page, made at its insertion point: tracks the
   * session ({@link Farewell#track}, with {@code attributes} or, when empty, the drop-in's), which
   * cancels a pending exit grace while the page loads. None for a page served after its request's
   * {@code HttpSession} was invalidated (a logout page): the tag would make a new session.
   */
  String filterTag(HttpServletRequest request, String cspNonce, Map<String, String> attributes) {
    HttpSession session = request.getSession(false);
    if (session == null && request.getRequestedSessionId() != null
        && request.getUserPrincipal() == null) {
      return null;
    }
    String key = bridge.keyFor(session != null ? session : request.getSession(true));
    track(key, attributes.isEmpty() ? CopiedAttributes.of(request) : attributes);
    String token = handler.pageTokens().issue(key).value();
    request.setAttribute(FILTER_TOKEN_ATTRIBUTE, token);
    return tag(request, token, cspNonce);
  }

  /**
   * The filter's tag was discarded with its page (a reset, an error, a redirect, a forward): the
   * page written next is decided afresh, also when the application asked for its tag after the
   * filter's went out (it was given that tag). A tag the application made itself, before, stays
   * its own (a token put in a request attribute for the page a forward renders).
   */
  static void forgetFilterTag(HttpServletRequest request) {
    if (request.getAttribute(FILTER_TOKEN_ATTRIBUTE) != null) {
      request.removeAttribute(FILTER_TOKEN_ATTRIBUTE);
      request.removeAttribute(TAG_ISSUED_ATTRIBUTE);
    }
  }

  private String tag(HttpServletRequest request, String token, String nonce) {
    TagParts parts = tagParts;
    String contextPath = request.getContextPath();
    if (parts == null || !parts.contextPath().equals(contextPath)) {
      parts = new TagParts(contextPath,
          "<script src=\"" + html(contextPath + basePath + "/farewell.js") + "\" data-token=\"",
          "\" integrity=\"" + snippet.integrity() + "\" data-endpoint=\""
              + html(contextPath + basePath + "/beacon") + "\"");
      tagParts = parts;
    }
    return parts.beforeToken() + token + parts.afterToken()
        + (nonce == null ? "" : " nonce=\"" + nonce + "\"") + " defer></script>";
  }

  /**
   * The parts of the tag around its token for one context path, made once rather than for every
   * page (a servlet serves one context, but is not told which before its first page).
   */
  private record TagParts(String contextPath, String beforeToken, String afterToken) {}

  /** Same as {@link #scriptTag(HttpServletRequest, Map)} with no attributes. */
  public String scriptTag(HttpServletRequest request) {
    return scriptTag(request, Map.of());
  }

  /**
   * Same as {@link #scriptTag(HttpServletRequest)}, with the nonce of the {@code
   * Content-Security-Policy} header already set on {@code response} when it allows scripts by
   * nonce ({@code script-src 'nonce-…'}, else {@code default-src 'nonce-…'}), as {@link
   * ScriptInjectionFilter} does; without such a header, the tag has no nonce. What the JSP tag
   * {@code <farewell:script/>} prints.
   *
   * @throws NullPointerException if an argument is null
   */
  public String scriptTag(HttpServletRequest request, HttpServletResponse response) {
    String nonce =
        ScriptNonce.of(requireNonNull(response, "response").getHeaders("Content-Security-Policy"));
    return nonce == null
        ? scriptTag(request, Map.of())
        : scriptTag(request, Map.of(), nonce);
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
   * its {@code HttpSession}. {@link #register(ServletContext)} adds it: add it yourself only when
   * you register the servlet another way (a {@code ServletHolder}, {@code web.xml}), never both.
   */
  public HttpSessionListener httpSessionListener() {
    return listener;
  }

  /**
   * Wires Farewell into a servlet context while it initializes. It adds three things:
   *
   * <ol>
   *   <li>this servlet, named {@code farewell}, on {@code {base}/*} ({@code POST {base}/beacon},
   *       {@code GET {base}/farewell.js}), loaded on startup, async supported;
   *   <li>its {@link #httpSessionListener()}, so that a destroyed {@code HttpSession} (logout,
   *       container timeout) releases its session as {@code EXPLICIT};
   *   <li>a context attribute that {@link #from(ServletContext)} reads, so pages and login code can
   *       reach this servlet.
   * </ol>
   *
   * <p>Call it from {@code ServletContainerInitializer.onStartup} (embedded Jetty: {@code
   * ServletContextHandler.addServletContainerInitializer}; embedded Tomcat: {@code
   * Context.addServletContainerInitializer}) or from the {@code contextInitialized} of a {@code
   * ServletContextListener} declared in {@code web.xml} or annotated {@code @WebListener}. Before
   * the context starts, once it has started, or from a listener that was itself added by code, the
   * container refuses to add servlets and listeners.
   *
   * @return the servlet's registration, to adjust further
   * @throws IllegalStateException if called where the container refuses to add a listener (the
   *     message says where to call it instead), or if a servlet named {@code farewell} is already
   *     registered
   * @throws NullPointerException if {@code context} is null
   */
  public ServletRegistration.Dynamic register(ServletContext context) {
    requireNonNull(context, "context");
    // The listener first: Jetty refuses it (a bare IllegalStateException) before the context
    // starts while it still accepts the servlet, and nothing should be half registered.
    try {
      context.addListener(listener);
    } catch (IllegalStateException | UnsupportedOperationException e) {
      throw new IllegalStateException(notInitializing(e), e);
    }
    ServletRegistration.Dynamic registration;
    try {
      registration = context.addServlet("farewell", this);
    } catch (IllegalStateException | UnsupportedOperationException e) {
      throw new IllegalStateException(notInitializing(e), e);
    }
    if (registration == null) {
      if (context.getAttribute(FarewellInitializer.DROP_IN_ATTRIBUTE) != null) {
        throw new IllegalStateException("Farewell's drop-in already registered Farewell in this"
            + " context (farewell.secret is configured): remove this register call, or turn the"
            + " drop-in off with farewell.enabled=false");
      }
      throw new IllegalStateException(
          "a servlet named farewell is already registered in this context: register Farewell once");
    }
    registration.addMapping(basePath + "/*");
    registration.setLoadOnStartup(1);
    registration.setAsyncSupported(true);
    context.setAttribute(CONTEXT_ATTRIBUTE, this);
    return registration;
  }

  private static String notInitializing(RuntimeException e) {
    String said = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof UnsupportedOperationException) {
      // Servlet spec 4.4: a ServletContextListener added by code may not add listeners.
      return "FarewellServlet.register(servletContext) was called from a ServletContextListener"
          + " that was added by code, where the container refuses new listeners: call it from"
          + " ServletContainerInitializer.onStartup (embedded: Jetty's"
          + " ServletContextHandler.addServletContainerInitializer, Tomcat's"
          + " Context.addServletContainerInitializer) or from a listener declared in web.xml or"
          + " annotated @WebListener; see docs/getting-started.md (the container said: " + said
          + ")";
    }
    return "FarewellServlet.register(servletContext) must be called while the servlet context"
        + " initializes: from ServletContainerInitializer.onStartup (embedded: Jetty's"
        + " ServletContextHandler.addServletContainerInitializer, Tomcat's"
        + " Context.addServletContainerInitializer) or from a ServletContextListener declared in"
        + " web.xml or annotated @WebListener, not before the server starts nor after it started;"
        + " see docs/getting-started.md (the container said: " + said + ")";
  }

  /**
   * Returns the servlet that {@link #register(ServletContext)} wired into {@code context}: how a
   * page, a JSP or the login code reaches it.
   *
   * @throws IllegalStateException if none was registered in this context
   * @throws NullPointerException if {@code context} is null
   */
  public static FarewellServlet from(ServletContext context) {
    Object servlet = requireNonNull(context, "context").getAttribute(CONTEXT_ATTRIBUTE);
    if (!(servlet instanceof FarewellServlet)) {
      throw new IllegalStateException(
          "no FarewellServlet is registered in this servlet context: call"
              + " farewellServlet.register(servletContext) from contextInitialized first");
    }
    return (FarewellServlet) servlet;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String path = request.getPathInfo();
    if ("/beacon".equals(path)) {
      write(request, response, handler.handle(new ServletBeaconRequest(request, origins)));
    } else if ("/farewell.js".equals(path)) {
      snippet.serve(request, response);
    } else if ("/farewell-worker.js".equals(path)) {
      worker.serve(request, response);
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
