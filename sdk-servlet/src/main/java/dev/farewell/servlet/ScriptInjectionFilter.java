package dev.farewell.servlet;

import static java.util.Objects.requireNonNull;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Inserts the script tag ({@link FarewellServlet#scriptTag}) into the HTML pages an application
 * serves, so that its pages need no Farewell code: before {@code </head>}, or after the {@code
 * <body>} tag of a page without a head.
 *
 * <p>Only a complete page of a request worth watching is touched: {@code GET} or {@code POST},
 * status 200, {@code Content-Type: text/html} in an ASCII-compatible charset, no {@code
 * Content-Encoding} (a page compressed by the application is left alone), no {@code
 * Content-Disposition: attachment}, not a fragment ({@code HX-Request}, {@code X-Requested-With}),
 * not a page that already carries the tag (one whose {@link FarewellServlet#scriptTag} was
 * called while serving the request, or whose bytes up to the write that reaches the insertion
 * point hold the snippet's path), in a path ({@code getServletPath() + getPathInfo()}, decoded
 * and without path parameters) the include and exclude patterns let through, and, by default, only when the request has an authenticated user or an existing {@code
 * HttpSession} ({@link Builder#watchWhen}). Everything else passes through untouched.
 *
 * <p>The insertion point is found by a small HTML tokenizer: {@code </head>} or {@code <body>}
 * inside a comment, a quoted attribute value or a {@code script}, {@code style}, {@code template},
 * {@code textarea} or {@code title} element does not count, nor does {@code </header>}. The page
 * is streamed: only the bytes before the insertion point are held (at most 64 KiB, however the
 * page is written; a page with no {@code </head>} or {@code <body>} before that passes
 * untouched). An application's {@code Content-Length} is dropped on pages that get the tag (the
 * answer is then chunked). {@code flushBuffer} commits the response (status and headers) as
 * without the filter, but the bytes before the insertion point stay held until it comes: a page
 * flushed in its head reaches the browser from its insertion point on. A flush of the writer or
 * stream alone commits nothing while the start of the page is held. {@code getWriter} and
 * {@code getOutputStream}, {@code resetBuffer}, forwards and includes work as without the filter;
 * a charset set after {@code getWriter} is ignored, as the Servlet specification says. The tag carries the nonce of the response's
 * {@code Content-Security-Policy} when its {@code script-src} (or {@code default-src}) has one.
 *
 * <pre>{@code
 * ScriptInjectionFilter.newBuilder(farewellServlet)
 *     .exclude("/api/*", "/login")
 *     .build()
 *     .register(servletContext);
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ScriptInjectionFilter implements Filter {

  private final FarewellServlet servlet;
  private final List<String> include;
  private final List<String> exclude;
  private final Predicate<HttpServletRequest> watch;
  private final List<String> sessionAttributes;

  private ScriptInjectionFilter(Builder builder) {
    this.servlet = builder.servlet;
    this.include = List.copyOf(builder.include);
    this.exclude = List.copyOf(builder.exclude);
    this.watch = builder.watch;
    this.sessionAttributes = List.copyOf(builder.sessionAttributes);
  }

  /**
   * Returns a builder of the filter that inserts {@code servlet}'s tag.
   *
   * @throws NullPointerException if {@code servlet} is null
   */
  public static Builder newBuilder(FarewellServlet servlet) {
    return new Builder(requireNonNull(servlet, "servlet"));
  }

  /**
   * Adds this filter, named {@code farewell-script}, on {@code /*} for {@code REQUEST}
   * dispatches, after the filters the application declares (so that a compressing filter of the
   * application sees the page with its tag). Call it where {@link FarewellServlet#register} may be
   * called.
   *
   * @return the filter's registration
   * @throws IllegalStateException if a filter of that name is already registered, or the context
   *     does not accept filters now
   */
  public FilterRegistration.Dynamic register(ServletContext context) {
    FilterRegistration.Dynamic registration =
        requireNonNull(context, "context").addFilter("farewell-script", this);
    if (registration == null) {
      throw new IllegalStateException(
          "a filter named farewell-script is already registered in this context");
    }
    registration.setAsyncSupported(true);
    registration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    return registration;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest http)
        || !(response instanceof HttpServletResponse httpResponse)
        || !watched(http)) {
      chain.doFilter(request, response);
      return;
    }
    InjectingResponse injecting =
        new InjectingResponse(httpResponse, servlet.basePath() + "/farewell.js",
            nonce -> nonce == null
                ? servlet.scriptTag(http, releaseAttributes(http))
                : servlet.scriptTag(http, releaseAttributes(http), nonce),
            () -> http.getAttribute(FarewellServlet.TAG_ISSUED_ATTRIBUTE) != null);
    try {
      chain.doFilter(request, injecting);
    } finally {
      injecting.finish(http.isAsyncStarted());
    }
  }

  /** The {@link Builder#sessionAttributes} of the request's {@code HttpSession} that are set. */
  private Map<String, String> releaseAttributes(HttpServletRequest request) {
    return CopiedAttributes.of(request, sessionAttributes);
  }

  private boolean watched(HttpServletRequest request) {
    String method = request.getMethod();
    if (!"GET".equals(method) && !"POST".equals(method)) {
      return false;
    }
    if (request.getHeader("HX-Request") != null || request.getHeader("X-Requested-With") != null) {
      return false;
    }
    // The path the container mapped (decoded, without path parameters), as servlet mappings see it.
    String path = request.getServletPath()
        + (request.getPathInfo() == null ? "" : request.getPathInfo());
    if (path.startsWith(servlet.basePath() + "/")) {
      return false;
    }
    if (!include.isEmpty() && include.stream().noneMatch(p -> matches(p, path))) {
      return false;
    }
    if (exclude.stream().anyMatch(p -> matches(p, path))) {
      return false;
    }
    return watch.test(request);
  }

  /** Servlet URL patterns: {@code /exact}, {@code /prefix/*}, {@code *.extension}, {@code /*}. */
  static boolean matches(String pattern, String path) {
    if (pattern.equals("/*")) {
      return true;
    }
    if (pattern.endsWith("/*")) {
      String prefix = pattern.substring(0, pattern.length() - 2);
      return path.equals(prefix) || path.startsWith(prefix + "/");
    }
    if (pattern.startsWith("*.")) {
      return path.endsWith(pattern.substring(1));
    }
    return path.equals(pattern);
  }

  private static void checkPattern(String pattern) {
    requireNonNull(pattern, "pattern");
    boolean valid = pattern.startsWith("/")
        ? pattern.indexOf('*') < 0 || (pattern.endsWith("/*") && pattern.indexOf('*') == pattern.length() - 1)
        : pattern.startsWith("*.") && pattern.length() > 2 && pattern.indexOf('/') < 0;
    if (!valid) {
      throw new IllegalArgumentException(
          "a path pattern is /exact, /prefix/* or *.extension, was \"" + pattern + "\"");
    }
  }

  /**
   * Builds a {@link ScriptInjectionFilter}. Every setter checks its arguments at once. Not
   * thread-safe; the filter it builds is.
   */
  public static final class Builder {
    private final FarewellServlet servlet;
    private final List<String> include = new ArrayList<>();
    private final List<String> exclude = new ArrayList<>();
    private Predicate<HttpServletRequest> watch =
        request -> request.getUserPrincipal() != null || request.getSession(false) != null;
    private boolean watchSet;
    private final List<String> sessionAttributes = new ArrayList<>();

    private Builder(FarewellServlet servlet) {
      this.servlet = servlet;
    }

    /**
     * Only paths (below the context path) that match one of these patterns get the tag; may be
     * called several times. Default: every path.
     *
     * @throws IllegalArgumentException if a pattern is not {@code /exact}, {@code /prefix/*} or
     *     {@code *.extension}
     */
    public Builder include(String... patterns) {
      for (String pattern : requireNonNull(patterns, "patterns")) {
        checkPattern(pattern);
        include.add(pattern);
      }
      return this;
    }

    /**
     * Paths that match one of these patterns never get the tag (the login page, an API); may be
     * called several times.
     *
     * @throws IllegalArgumentException if a pattern is not {@code /exact}, {@code /prefix/*} or
     *     {@code *.extension}
     */
    public Builder exclude(String... patterns) {
      for (String pattern : requireNonNull(patterns, "patterns")) {
        checkPattern(pattern);
        exclude.add(pattern);
      }
      return this;
    }

    /**
     * Which requests hold a session worth watching. Default: those with an authenticated user
     * ({@code getUserPrincipal()}) or an existing {@code HttpSession}. An application that makes
     * sessions for anonymous visitors should say what a login is, e.g. {@code request ->
     * request.getSession(false) != null && request.getSession(false).getAttribute("user") !=
     * null}. It runs before the application handles the request; it must not throw.
     *
     * @throws IllegalStateException if already set
     */
    public Builder watchWhen(Predicate<HttpServletRequest> predicate) {
      requireNonNull(predicate, "predicate");
      if (watchSet) {
        throw new IllegalStateException("watchWhen was already set");
      }
      this.watch = predicate;
      watchSet = true;
      return this;
    }

    /**
     * {@code HttpSession} attributes copied (as {@code String.valueOf}) into the session's {@link
     * dev.farewell.Release#attributes()} each time a page gets the tag, for release actions such as
     * an identity server's logout call ({@code ${attributes.NAME}} in its templates); attributes
     * not set are left out. May be called several times. Default: none.
     */
    public Builder sessionAttributes(String... names) {
      for (String name : requireNonNull(names, "names")) {
        sessionAttributes.add(requireNonNull(name, "name"));
      }
      return this;
    }

    /** Builds the filter. */
    public ScriptInjectionFilter build() {
      return new ScriptInjectionFilter(this);
    }
  }
}
