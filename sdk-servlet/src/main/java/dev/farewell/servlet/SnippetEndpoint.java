package dev.farewell.servlet;

import dev.farewell.snippet.Snippet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;

/**
 * Serves the browser snippet at {@code {base}/farewell.js}: strong ETag with {@code 304} answers,
 * gzip when the client accepts it, and a cache lifetime short enough that a new release of the
 * application reaches pages soon (revalidation is a cheap {@code 304}).
 */
final class SnippetEndpoint {

  static final String CACHE_CONTROL = "public, max-age=600";

  private final Snippet snippet;

  private SnippetEndpoint(Snippet snippet) {
    this.snippet = snippet;
  }

  static SnippetEndpoint load() {
    return new SnippetEndpoint(Snippet.load());
  }

  /** The snippet's dedicated worker script, served at {@code {base}/farewell-worker.js}. */
  static SnippetEndpoint loadWorker() {
    return new SnippetEndpoint(Snippet.loadWorker());
  }

  String integrity() {
    return snippet.integrity();
  }

  void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String method = request.getMethod();
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      response.setStatus(405);
      response.setHeader("Allow", "GET, HEAD");
      response.setContentLength(0);
      return;
    }
    response.setHeader("ETag", snippet.etag());
    response.setHeader("Cache-Control", CACHE_CONTROL);
    response.setHeader("Vary", "Accept-Encoding");
    response.setHeader("X-Content-Type-Options", "nosniff");
    if (matches(request.getHeader("If-None-Match"), snippet.etag())) {
      response.setStatus(304);
      return;
    }
    boolean gzip = acceptsGzip(request.getHeader("Accept-Encoding"));
    byte[] body = gzip ? snippet.gzippedBody() : snippet.body();
    response.setStatus(200);
    response.setContentType(snippet.contentType());
    if (gzip) {
      response.setHeader("Content-Encoding", "gzip");
    }
    response.setContentLength(body.length);
    if (!"HEAD".equals(method)) {
      response.getOutputStream().write(body);
    }
  }

  /** Whether an {@code If-None-Match} list names the ETag (weak comparison, RFC 9110 13.1.2). */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
    for (String candidate : ifNoneMatch.split(",")) {
      String value = candidate.trim();
      if (value.equals("*")) {
        return true;
      }
      if (value.startsWith("W/")) {
        value = value.substring(2);
      }
      if (value.equals(opaque)) {
        return true;
      }
    }
    return false;
  }

  /** Whether an {@code Accept-Encoding} header accepts gzip (and not with {@code q=0}). */
  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    boolean starAccepted = false;
    for (String coding : acceptEncoding.split(",")) {
      String[] parts = coding.split(";");
      String name = parts[0].trim().toLowerCase(Locale.ROOT);
      boolean zero = false;
      for (int i = 1; i < parts.length; i++) {
        String parameter = parts[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
        if (parameter.startsWith("q=")) {
          zero = parameter.matches("q=0(\\.0{0,3})?");
        }
      }
      if (name.equals("gzip") || name.equals("x-gzip")) {
        return !zero;
      }
      if (name.equals("*")) {
        starAccepted = !zero;
      }
    }
    return starAccepted;
  }
}
