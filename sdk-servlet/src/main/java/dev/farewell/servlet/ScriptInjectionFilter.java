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
 * not a page that already carries the snippet (one for which {@link FarewellServlet#scriptTag} or
 * {@link FarewellServlet#pageToken} was called while serving the request, or whose part before
 * the insertion point holds the snippet's path), in a path ({@code getServletPath() +
 * getPathInfo()}, decoded and without path parameters) the include and exclude patterns let
 * through, and, by default, only when the request has an authenticated user or an existing
 * {@code HttpSession} ({@link Builder#watchWhen}). Everything else passes through untouched.
 *
 * <p>The insertion point is found by a small HTML tokenizer: {@code </head>} or {@code <body>}
 * inside a comment, a quoted attribute value or a {@code script}, {@code style}, {@code template},
 * {@code textarea} or {@code title} element does not count, nor does {@code </header>}. The page
 * is streamed: only its part before the insertion point is held (at most 64 Ki bytes, or
 * characters for a page written through the writer, however the page is written; a page with no
 * {@code </head>} or {@code <body>} before that passes untouched). The stream and the writer are
 * the container's own behind a thin layer, so its rules for them (charset, one or the other) hold
 * as without the filter. The status and headers above are read at the page's first byte and again
 * at its insertion point, where the tag is decided; from there the page passes straight through,
 * so a status set after the insertion point was written does not take the tag back ({@code
 * sendError} does: it discards the page). An application's {@code Content-Length} is dropped on
 * pages that get the tag (the answer is then chunked). {@code flushBuffer} and a flush of the
 * writer or stream commit the response (status and headers) as without the filter, but the part
 * before the insertion point stays held until it comes: a page flushed in its head reaches the
 * browser from its insertion point on. {@code resetBuffer}, {@code reset}, {@code sendError} and
 * {@code sendRedirect} discard what is held as the container discards its buffer, also after the
 * tag went out (a page written again gets its own). Forwards and includes work as without the
 * filter. A page written after {@code startAsync}, from any thread, arrives whole: it gets the
 * tag when its insertion point is written before the dispatch that started it returns, or when
 * an {@code AsyncContext.dispatch} of a context started with this filter's response renders it
 * (as Spring MVC renders the view of a {@code DeferredResult}); otherwise it passes untouched, as
 * does a page written through a non-blocking stream ({@code setWriteListener}). The tag carries
 * the nonce of the response's {@code Content-Security-Policy} when its {@code script-src} (or
 * {@code default-src}) has one.
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
  private final String snippetPath;
  /** The start of Farewell's own paths, {@code basePath + "/"}. */
  private final String ownPaths;

  private ScriptInjectionFilter(Builder builder) {
    this.servlet = builder.servlet;
    this.include = List.copyOf(builder.include);
    this.exclude = List.copyOf(builder.exclude);
    this.watch = builder.watch;
    this.sessionAttributes = List.copyOf(builder.sessionAttributes);
    this.snippetPath = servlet.basePath() + "/farewell.js";
    this.ownPaths = servlet.basePath() + "/";
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
   * Adds this filter, named {@code farewell-script}, on {@code /*} for {@code REQUEST}, {@code
   * FORWARD} and {@code ASYNC} dispatches, after the filters the application declares (so that a
   * compressing filter of the application sees the page with its tag). Call it where {@link
   * FarewellServlet#register} may be called. Only a {@code REQUEST} dispatch decides whether a
   * page is watched; a forward or an async dispatch of a watched page lets this filter finish the
   * page before the container does (mapped for {@code REQUEST} alone, a forwarded page without
   * head or body is lost in Tomcat, and a page that an async dispatch renders is not touched).
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
    registration.addMappingForUrlPatterns(
        EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.ASYNC), true,
        "/*");
    return registration;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest http)
        || !(response instanceof HttpServletResponse httpResponse)) {
      chain.doFilter(request, response);
      return;
    }
    if (request.getDispatcherType() != DispatcherType.REQUEST) {
      continuePage(http, response, chain);
      return;
    }
    if (!watched(http)) {
      chain.doFilter(request, response);
      return;
    }
    InjectingResponse injecting =
        new InjectingResponse(httpResponse, snippetPath, new PageTags() {
          @Override
          public String issue(String nonce) {
            return servlet.filterTag(http, nonce, releaseAttributes(http));
          }

          @Override
          public void discard() {
            FarewellServlet.forgetFilterTag(http);
          }

          @Override
          public boolean issuedByApplication() {
            return http.getAttribute(FarewellServlet.TAG_ISSUED_ATTRIBUTE) != null;
          }
        });
    try {
      chain.doFilter(request, injecting);
    } catch (IOException | ServletException | RuntimeException | Error e) {
      // The container answers with its error page, discarding its buffer: the page and its tag
      // go with it, unless the response was committed.
      injecting.discardWritten();
      throw e;
    } finally {
      injecting.finish(http.isAsyncStarted());
    }
  }

  /**
   * A forward or an async dispatch of a page this filter watches: the page goes on in the same
   * response, and is finished before the container finishes it (Tomcat ends a forwarded response
   * underneath every wrapper, so what is held would be lost).
   */
  private static void continuePage(HttpServletRequest request, ServletResponse response,
      FilterChain chain) throws IOException, ServletException {
    InjectingResponse injecting = InjectingResponse.in(response);
    if (injecting == null) {
      chain.doFilter(request, response);
    } else if (request.getDispatcherType() == DispatcherType.FORWARD) {
      // The container clears its buffer before a forward: what is held goes with it.
      injecting.discardWritten();
      chain.doFilter(request, response);
      if (!request.isAsyncStarted()) {
        injecting.finish(false);
      }
    } else if (request.getDispatcherType() == DispatcherType.ASYNC) {
      injecting.reopen();
      try {
        chain.doFilter(request, response);
      } finally {
        injecting.finish(request.isAsyncStarted());
      }
    } else {
      chain.doFilter(request, response);
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
    if (path.startsWith(ownPaths)) {
      return false;
    }
    if (!include.isEmpty() && !matchesAny(include, path)) {
      return false;
    }
    return !matchesAny(exclude, path) && watch.test(request);
  }

  private static boolean matchesAny(List<String> patterns, String path) {
    for (String pattern : patterns) {
      if (matches(pattern, path)) {
        return true;
      }
    }
    return false;
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
