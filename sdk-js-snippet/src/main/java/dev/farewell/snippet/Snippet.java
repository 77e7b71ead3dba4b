package dev.farewell.snippet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The Farewell browser snippet as a server hands it to pages: the minified script shipped in this
 * jar at {@value #RESOURCE}, with what an HTTP answer for it needs (gzip, ETag, content type) and
 * its Subresource Integrity value for {@code <script integrity="…">}.
 *
 * <p>Every value is computed once, when the snippet is loaded. Instances are immutable and
 * thread-safe; {@link #body()} and {@link #gzippedBody()} return fresh copies, so callers may do
 * what they like with them.
 */
public final class Snippet {

  /** Where the minified snippet lives on the class path. */
  static final String RESOURCE = "META-INF/resources/farewell/farewell.js";

  /** Where the snippet's dedicated worker script lives on the class path. */
  static final String WORKER_RESOURCE = "META-INF/resources/farewell/farewell-worker.js";

  private static final String CONTENT_TYPE = "text/javascript; charset=utf-8";

  private static volatile Snippet loaded;
  private static volatile Snippet loadedWorker;

  private final byte[] body;
  private final byte[] gzippedBody;
  private final String etag;
  private final String integrity;

  private Snippet(byte[] body) {
    this.body = body.clone();
    this.gzippedBody = gzip(this.body);
    this.etag = '"' + HexFormat.of().formatHex(digest("SHA-256", this.body), 0, 16) + '"';
    this.integrity = "sha384-" + Base64.getEncoder().encodeToString(digest("SHA-384", this.body));
  }

  /**
   * Returns the snippet shipped in this jar, reading it from the class path on the first call.
   *
   * @return the snippet; the same instance on every call once one has succeeded
   * @throws IllegalStateException if {@value #RESOURCE} is not on the class path (a broken build)
   *     or cannot be read
   */
  public static Snippet load() {
    Snippet snippet = loaded;
    if (snippet == null) {
      // A race reads the resource twice and keeps either copy; both are equal.
      snippet = load(Snippet.class.getClassLoader());
      loaded = snippet;
    }
    return snippet;
  }

  /**
   * Returns the snippet's dedicated worker script shipped in this jar ({@value #WORKER_RESOURCE}),
   * to be served from the page's own origin next to the beacon endpoint, so that a Content
   * Security Policy with {@code worker-src 'self'} allows it.
   *
   * @return the worker script; the same instance on every call once one has succeeded
   * @throws IllegalStateException if the worker script is not on the class path or cannot be read
   */
  public static Snippet loadWorker() {
    Snippet worker = loadedWorker;
    if (worker == null) {
      worker = load(Snippet.class.getClassLoader(), WORKER_RESOURCE);
      loadedWorker = worker;
    }
    return worker;
  }

  /** Reads the snippet from the given class loader; package-private for tests. */
  static Snippet load(ClassLoader classLoader) {
    return load(classLoader, RESOURCE);
  }

  private static Snippet load(ClassLoader classLoader, String resource) {
    Objects.requireNonNull(classLoader, "classLoader");
    try (InputStream in = classLoader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            resource + " is not on the class path: the farewell-js jar is missing or was built without the snippet");
      }
      return of(in.readAllBytes());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource + ": " + e.getMessage(), e);
    }
  }

  /** Wraps the given script bytes; package-private for tests. */
  static Snippet of(byte[] body) {
    Objects.requireNonNull(body, "body");
    if (body.length == 0) {
      throw new IllegalStateException(RESOURCE + " is empty");
    }
    return new Snippet(body);
  }

  /**
   * Returns the script, UTF-8 encoded.
   *
   * @return a fresh copy of the script's bytes
   */
  public byte[] body() {
    return body.clone();
  }

  /**
   * Returns the script gzip-compressed, for a client that sent {@code Accept-Encoding: gzip}.
   *
   * @return a fresh copy of the compressed bytes
   */
  public byte[] gzippedBody() {
    return gzippedBody.clone();
  }

  /**
   * Returns a strong entity tag for the script: a content hash in double quotes, the same for the
   * same script on every node and every start, so caches and {@code If-None-Match} work across a
   * cluster. The gzipped answer has the same content and may carry the same tag together with
   * {@code Vary: Accept-Encoding}.
   *
   * @return the quoted ETag, for example {@code "3f2a…"} (32 hex digits)
   */
  public String etag() {
    return etag;
  }

  /**
   * Returns the Subresource Integrity value of the script: {@code "sha384-"} followed by the
   * base64 of the SHA-384 of {@link #body()}, for {@code <script src="…" integrity="…"
   * crossorigin="anonymous">}.
   *
   * @return the integrity value
   */
  public String integrity() {
    return integrity;
  }

  /**
   * Returns the media type to serve the script with.
   *
   * @return {@code "text/javascript; charset=utf-8"}
   */
  public String contentType() {
    return CONTENT_TYPE;
  }

  @Override
  public String toString() {
    return "Snippet[" + body.length + " bytes, " + gzippedBody.length + " gzipped, etag=" + etag + "]";
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
    try (GZIPOutputStream gzip = new BestGzip(out)) {
      gzip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("gzip into memory failed", e); // cannot happen in memory
    }
    return out.toByteArray();
  }

  private static byte[] digest(String algorithm, byte[] bytes) {
    try {
      return MessageDigest.getInstance(algorithm).digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is missing from this JDK", e); // every JDK has it
    }
  }

  /** gzip at the best compression: the snippet is compressed once and served many times. */
  private static final class BestGzip extends GZIPOutputStream {
    BestGzip(ByteArrayOutputStream out) throws IOException {
      super(out);
      def.setLevel(Deflater.BEST_COMPRESSION);
    }
  }
}
