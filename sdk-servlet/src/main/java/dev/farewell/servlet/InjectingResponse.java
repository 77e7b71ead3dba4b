package dev.farewell.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response a page is written to under {@link ScriptInjectionFilter}: decides at the first byte
 * whether the page may get the tag, holds the start of the page until the insertion point ({@link
 * HeldPage}), decides there whether the tag goes in (status, type and headers are read again: they
 * may have changed since the first byte), writes what it held with the tag, then passes the rest
 * of the page straight to the container, without holding, copying or scanning it. A status the
 * application sets after the insertion point was written does not take the tag back. A reset
 * forgets the writer and stream, as the container does, so a writer taken after it has the new
 * charset. The stream and the writer it hands out are the container's own behind a thin layer,
 * taken when the application asks for them, so that the container sees which one is in use (its
 * charset rules, its {@code IllegalStateException} for the other one) as without the filter.
 *
 * <p>One request's. Once the page passes through, writes go straight to the container without a
 * lock; until then they take this response's monitor, as does {@link #finish}: a page written by
 * another thread after {@code startAsync} may still be held while the dispatch that started it
 * returns through the filter.
 */
final class InjectingResponse extends HttpServletResponseWrapper {

  private static final Logger logger = LoggerFactory.getLogger(InjectingResponse.class);

  private enum Mode {
    /** Nothing written yet. */
    UNDECIDED,
    /** The page gets the tag: its start is held until the insertion point. */
    HOLD,
    /** Written straight through. */
    PASS,
    /**
     * The dispatch that started async processing returned before the page began: the page passes
     * through from its first byte, unless an async dispatch renders it ({@link #reopen}).
     */
    ASYNC
  }

  private final String snippetPath;
  private final PageTags tags;
  private volatile Mode mode = Mode.UNDECIDED;
  /** Whether the tag went out in this page. */
  private boolean tagged;
  /** Whether the application set a {@code Content-Length} this response cannot read. */
  private boolean unreadableLength;
  private long contentLength = -1;
  private Stream stream;
  private PageWriter writer;
  /** The start of the page, as bytes or characters, once the stream or the writer is taken. */
  private HeldPage<byte[]> heldBytes;
  private HeldPage<String> heldChars;

  /**
   * @param snippetPath the snippet's path, to spot a page that already has the tag
   * @param tags this request's tag
   */
  InjectingResponse(HttpServletResponse response, String snippetPath, PageTags tags) {
    super(response);
    this.snippetPath = snippetPath;
    this.tags = tags;
  }

  /** This filter's response in {@code response} or among the responses it wraps, or null. */
  static InjectingResponse in(ServletResponse response) {
    for (ServletResponse r = response; r != null; ) {
      if (r instanceof InjectingResponse injecting) {
        return injecting;
      }
      r = r instanceof ServletResponseWrapper wrapper ? wrapper.getResponse() : null;
    }
    return null;
  }

  // ---- length: held back until it is known whether the page changes ----

  @Override
  public void setContentLength(int length) {
    setContentLengthLong(length);
  }

  @Override
  public void setContentLengthLong(long length) {
    if (lengthPasses()) {
      super.setContentLengthLong(length);
    } else if (mode != Mode.HOLD) {
      contentLength = length;
    }
  }

  @Override
  public void setHeader(String name, String value) {
    header(name, value, false);
  }

  @Override
  public void addHeader(String name, String value) {
    header(name, value, true);
  }

  /** Sets or adds a header, keeping a {@code Content-Length} that this response must decide. */
  private void header(String name, String value, boolean add) {
    boolean length = "Content-Length".equalsIgnoreCase(name) && !lengthPasses();
    if (length && readLength(value)) {
      return;
    }
    if (add) {
      super.addHeader(name, value);
    } else {
      super.setHeader(name, value);
    }
    if (length) {
      unreadableLength = true; // the container took it (Jetty refuses it by throwing)
    }
  }

  /**
   * Keeps a length the application set as a header, or returns false for one that is not a
   * number: that header goes to the container as it is, and the page gets no tag.
   */
  private boolean readLength(String value) {
    if (value == null) {
      contentLength = -1;
      return true;
    }
    try {
      contentLength = Long.parseLong(value.trim());
      return true;
    } catch (NumberFormatException e) {
      contentLength = -1;
      return false;
    }
  }

  @Override
  public void setIntHeader(String name, int value) {
    if ("Content-Length".equalsIgnoreCase(name) && !lengthPasses()) {
      contentLength = value;
    } else {
      super.setIntHeader(name, value);
    }
  }

  @Override
  public void addIntHeader(String name, int value) {
    if ("Content-Length".equalsIgnoreCase(name) && !lengthPasses()) {
      contentLength = value;
    } else {
      super.addIntHeader(name, value);
    }
  }

  /** Whether a length the application sets now goes to the container as it is. */
  private boolean lengthPasses() {
    return mode == Mode.PASS && !tagged;
  }

  // ---- the body ----

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    if (stream == null) {
      // The container's first: it refuses when the writer is in use, as without the filter.
      ServletOutputStream out = super.getOutputStream();
      synchronized (this) {
        heldBytes = new HeldPage.Bytes(out, snippetPath);
        stream = new Stream(out);
      }
    }
    return stream;
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    if (writer == null) {
      PrintWriter out = super.getWriter();
      synchronized (this) {
        heldChars = new HeldPage.Chars(out, snippetPath);
        writer = new PageWriter(out);
      }
    }
    return writer;
  }

  /**
   * Commits the response as without the filter: status and headers go out ({@code isCommitted()}
   * is then true). The start of the page stays held until the insertion point comes (or the page
   * ends, or {@link HeldPage#MAXIMUM} are held); what comes after it is flushed.
   */
  @Override
  public void flushBuffer() throws IOException {
    beforeFlush();
    super.flushBuffer();
  }

  @Override
  public void resetBuffer() {
    discardWritten();
    super.resetBuffer();
  }

  @Override
  public void reset() {
    synchronized (this) {
      if (!isCommitted()) {
        discardWritten();
        contentLength = -1;
        unreadableLength = false;
        mode = Mode.UNDECIDED;
        // The container forgets its writer and stream on reset (a new writer takes the charset
        // set after it); so do these.
        writer = null;
        stream = null;
      }
    }
    super.reset();
  }

  @Override
  public void sendError(int status, String message) throws IOException {
    passAfterDiscarding();
    super.sendError(status, message);
  }

  @Override
  public void sendError(int status) throws IOException {
    passAfterDiscarding();
    super.sendError(status);
  }

  @Override
  public void sendRedirect(String location) throws IOException {
    passAfterDiscarding();
    super.sendRedirect(location);
  }

  private synchronized void passAfterDiscarding() {
    if (!isCommitted()) {
      discardWritten();
      mode = Mode.PASS;
    }
  }

  /**
   * The application discards what it wrote, as the container does with its buffer (a reset, an
   * error, a redirect, a forward). Nothing is flushed first: a flush would commit the response,
   * and the container's reset or error page would then fail. A page whose tag went out in what
   * the container discards is decided again at its next byte. Once the response is committed the
   * container refuses, and nothing changes here either.
   */
  synchronized void discardWritten() {
    if (isCommitted()) {
      return;
    }
    if (heldBytes != null) {
      heldBytes.clear();
    }
    if (heldChars != null) {
      heldChars.clear();
    }
    if (mode == Mode.HOLD || tagged) {
      mode = Mode.UNDECIDED;
      tagged = false;
    }
    tags.discard();
  }

  /**
   * Called when the application is done with the page (the dispatch returned, the stream or
   * writer was closed, a forward ended): writes what is still held, untouched, as no insertion
   * point came. With {@code async} the page goes on after this call, from another thread: a page
   * not begun yet then passes through, unless an async dispatch renders it.
   */
  synchronized void finish(boolean async) throws IOException {
    if (mode == Mode.HOLD) {
      releaseUntagged();
    } else if (mode == Mode.UNDECIDED) {
      if (contentLength >= 0) {
        super.setContentLengthLong(contentLength);
      }
      if (async) {
        mode = Mode.ASYNC;
      }
    }
  }

  /**
   * An async dispatch ({@code AsyncContext.dispatch}) is about to render the page into this
   * response: a page not begun is decided at its first byte again.
   */
  synchronized void reopen() {
    if (mode == Mode.ASYNC) {
      mode = Mode.UNDECIDED;
    }
  }

  /** At the first byte: does this page get the tag? */
  private void decide() {
    mode = this.mode == Mode.UNDECIDED && injectable() ? Mode.HOLD : Mode.PASS;
    if (mode == Mode.PASS && contentLength >= 0) {
      super.setContentLengthLong(contentLength);
    }
  }

  /**
   * Whether the page may get the tag, as its status, headers and the request stand now: at its
   * first byte, and again at its insertion point.
   */
  private boolean injectable() {
    if (unreadableLength || tags.issuedByApplication()) {
      return false;
    }
    if (getStatus() != 200 || super.getHeader("Content-Encoding") != null) {
      return false;
    }
    String type = getContentType();
    if (type == null || !type.regionMatches(true, 0, "text/html", 0, 9)) {
      return false;
    }
    String disposition = super.getHeader("Content-Disposition");
    if (disposition != null && disposition.toLowerCase(Locale.ROOT).startsWith("attachment")) {
      return false;
    }
    String charsetName = getCharacterEncoding();
    if ("UTF-8".equalsIgnoreCase(charsetName) || "ISO-8859-1".equalsIgnoreCase(charsetName)) {
      return true;
    }
    try {
      Charset charset = Charset.forName(charsetName);
      if (!charset.canEncode()) {
        return false; // a charset the JDK only decodes, such as x-JISAutoDetect
      }
      // ISO-2022 charsets (and Windows' 50220/50221 forms of ISO-2022-JP) switch modes by escape
      // sequence: within a run of Japanese, Korean or Chinese, ASCII bytes are halves of characters.
      String name = charset.name();
      if (name.contains("2022") || name.contains("5022")) {
        return false;
      }
      return Arrays.equals("</head><body>".getBytes(charset),
          "</head><body>".getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException | UnsupportedOperationException unknown) {
      return false;
    }
  }

  /**
   * Before a flush of the stream or writer, or {@code flushBuffer}, which commit the response as
   * without the filter: a page not begun is decided now, while its headers can still change. What
   * is held stays held.
   */
  private void beforeFlush() {
    if (mode != Mode.PASS) {
      synchronized (this) {
        if (mode == Mode.UNDECIDED || mode == Mode.ASYNC) {
          decide();
        }
      }
    }
  }

  /**
   * Takes a piece of the page that is not passing through (yet): holds it until the insertion
   * point, where the tag is decided and what is held goes out with it; the page passes from there.
   */
  private synchronized <P> void take(HeldPage<P> page, P piece, int offset, int length)
      throws IOException {
    // A page whose insertion point comes in its first write was decided just now, under this
    // monitor: its status and headers are not read a second time.
    boolean decidedNow = mode == Mode.UNDECIDED || mode == Mode.ASYNC;
    if (decidedNow) {
      decide();
    }
    if (mode == Mode.PASS) {
      page.write(piece, offset, offset + length);
      return;
    }
    // Only the first HeldPage.MAXIMUM of the page are searched and held, however it is written.
    int room = HeldPage.MAXIMUM - page.length();
    long at = page.scan(piece, offset, Math.min(length, room));
    if (at >= 0) {
      int before = (int) Math.max(0, at - page.length());
      String tag = page.carriesSnippet(piece, offset, before)
          ? null : tagAtInsertionPoint(decidedNow);
      if (tag == null && contentLength >= 0) {
        super.setContentLengthLong(contentLength);
      }
      page.release(piece, offset, length, at, tag);
      tagged = tag != null;
      mode = Mode.PASS;
    } else if (length > room) {
      logger.debug("No </head> or <body> in the first {} bytes or characters of the page: no tag",
          HeldPage.MAXIMUM);
      if (contentLength >= 0) {
        super.setContentLengthLong(contentLength);
      }
      page.release(piece, offset, length, -1, null);
      mode = Mode.PASS;
    } else {
      page.hold(piece, offset, length);
    }
  }

  /**
   * The tag for the page whose insertion point came, decided now: none when the page may no longer
   * get it (its status is no longer 200, the application asked for its own tag…) or none can be
   * made.
   *
   * @param decidedNow whether the page was found {@link #injectable} in the same write
   */
  private String tagAtInsertionPoint(boolean decidedNow) {
    return decidedNow || injectable() ? tag() : null;
  }

  /** The tag for this page, or null when it gets none or none can be made. */
  private String tag() {
    try {
      return tags.issue(nonce());
    } catch (RuntimeException e) {
      // An invalidated session, a closed engine: the page goes out as the application wrote it.
      logger.warn("Could not make the script tag of a page; it is served without", e);
      return null;
    }
  }

  /** Writes what is held as the application wrote it, then passes through. */
  private void releaseUntagged() throws IOException {
    if (contentLength >= 0) {
      super.setContentLengthLong(contentLength);
    }
    if (heldBytes != null) {
      heldBytes.releaseHeld();
    }
    if (heldChars != null) {
      heldChars.releaseHeld();
    }
    mode = Mode.PASS;
  }

  private String nonce() {
    if (super.getHeader("Content-Security-Policy") == null) {
      return null;
    }
    return ScriptNonce.of(super.getHeaders("Content-Security-Policy"));
  }

  /** The application's output stream: the container's, behind the hold. */
  private final class Stream extends ServletOutputStream {
    private final ServletOutputStream out;
    private final byte[] one = new byte[1];

    Stream(ServletOutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      if (mode == Mode.PASS) {
        out.write(b);
      } else {
        synchronized (InjectingResponse.this) {
          one[0] = (byte) b;
          take(heldBytes, one, 0, 1);
        }
      }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      if (mode == Mode.PASS) {
        out.write(bytes, offset, length);
      } else {
        take(heldBytes, bytes, offset, length);
      }
    }

    @Override
    public void flush() throws IOException {
      beforeFlush();
      out.flush();
    }

    @Override
    public void close() throws IOException {
      finish(false);
      out.close();
    }

    @Override
    public boolean isReady() {
      return out.isReady();
    }

    /**
     * Non-blocking output: a write may be taken only while the container's stream is ready, so
     * nothing can be held and let out later in several writes. What is held goes out now (still
     * blocking), untouched, and the rest passes through.
     */
    @Override
    public void setWriteListener(WriteListener listener) {
      synchronized (InjectingResponse.this) {
        try {
          if (mode == Mode.HOLD) {
            releaseUntagged();
          } else if (mode != Mode.PASS) {
            mode = Mode.PASS;
            if (contentLength >= 0) {
              InjectingResponse.super.setContentLengthLong(contentLength);
            }
          }
        } catch (IOException e) {
          throw new IllegalStateException("could not write the start of the page", e);
        }
      }
      out.setWriteListener(listener);
    }
  }

  /**
   * The application's writer: the container's, behind the hold. Every print, format and append of
   * {@code PrintWriter} ends in one of the three {@code write} methods or {@link #println()}.
   */
  private final class PageWriter extends PrintWriter {
    private final PrintWriter out;

    private boolean failed;

    PageWriter(PrintWriter out) {
      super(out, false);
      this.out = out;
      // PrintWriter's println(x) and format hold its lock while they write: the response's monitor,
      // the one a held page is guarded by, so that every path takes the two in the same order.
      this.lock = InjectingResponse.this;
    }

    @Override
    public void write(String text, int offset, int length) {
      if (mode == Mode.PASS) {
        out.write(text, offset, length);
        return;
      }
      try {
        take(heldChars, text, offset, length);
      } catch (IOException e) {
        failed = true;
      }
    }

    @Override
    public void write(char[] text, int offset, int length) {
      if (mode == Mode.PASS) {
        out.write(text, offset, length);
      } else {
        write(new String(text, offset, length), 0, length);
      }
    }

    @Override
    public void write(int c) {
      if (mode == Mode.PASS) {
        out.write(c);
      } else {
        write(String.valueOf((char) c), 0, 1);
      }
    }

    @Override
    public void println() {
      write(System.lineSeparator());
    }

    @Override
    public void flush() {
      beforeFlush();
      out.flush();
    }

    @Override
    public void close() {
      try {
        finish(false);
      } catch (IOException e) {
        failed = true;
      }
      out.close();
    }

    @Override
    public boolean checkError() {
      flush();
      return failed || out.checkError();
    }
  }
}
