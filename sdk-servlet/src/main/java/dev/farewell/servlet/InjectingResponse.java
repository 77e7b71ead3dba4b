package dev.farewell.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.Writer;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response a page is written to under {@link ScriptInjectionFilter}: decides at the first byte
 * whether the page gets the tag, holds the bytes before the insertion point, then streams.
 * One request's; not thread-safe (a response is written by one thread at a time).
 */
final class InjectingResponse extends HttpServletResponseWrapper {

  private static final Logger logger = LoggerFactory.getLogger(InjectingResponse.class);
  static final int MAXIMUM_HELD_BYTES = 64 * 1024;

  private enum Mode { UNDECIDED, HOLD, PASS }

  private final String snippetPath;
  private final UnaryOperator<String> tagWithNonce;
  private final BooleanSupplier tagIssued;
  /** The bytes before the insertion point, not yet written: {@code held[0, heldLength)}. */
  private byte[] held = new byte[1024];
  private int heldLength;
  private Mode mode = Mode.UNDECIDED;
  private long contentLength = -1;
  private InsertionPointScanner scanner = new InsertionPointScanner();
  /** The charset of the writer handed out; later charset changes are ignored, as by a container. */
  private String writerCharset;
  private ServletOutputStream stream;
  private PrintWriter writer;

  /**
   * @param snippetPath the snippet's path, to spot a page that already has the tag
   * @param tagWithNonce the tag for this request, given the CSP nonce or null
   * @param tagIssued whether the application asked for this request's tag itself
   */
  InjectingResponse(HttpServletResponse response, String snippetPath,
      UnaryOperator<String> tagWithNonce, BooleanSupplier tagIssued) {
    super(response);
    this.snippetPath = snippetPath;
    this.tagWithNonce = tagWithNonce;
    this.tagIssued = tagIssued;
  }

  // ---- the charset: fixed once the writer is handed out (Servlet spec, ServletResponse) ----

  @Override
  public void setContentType(String type) {
    if (writerCharset != null && type != null) {
      // The container does not know a writer is in use (it sees our stream): keep the charset.
      int parameters = type.indexOf(';');
      String bare = parameters < 0 ? type : type.substring(0, parameters);
      super.setContentType(bare.trim() + ";charset=" + writerCharset);
    } else {
      super.setContentType(type);
    }
  }

  @Override
  public void setCharacterEncoding(String charset) {
    if (writerCharset == null) {
      super.setCharacterEncoding(charset);
    }
  }

  @Override
  public void setLocale(Locale locale) {
    super.setLocale(locale);
    if (writerCharset != null) {
      super.setCharacterEncoding(writerCharset);
    }
  }

  // ---- length: held back until it is known whether the page changes ----

  @Override
  public void setContentLength(int length) {
    setContentLengthLong(length);
  }

  @Override
  public void setContentLengthLong(long length) {
    if (mode == Mode.PASS) {
      super.setContentLengthLong(length);
    } else if (mode == Mode.UNDECIDED) {
      contentLength = length;
    }
  }

  @Override
  public void setHeader(String name, String value) {
    if ("Content-Length".equalsIgnoreCase(name) && mode != Mode.PASS) {
      contentLength = value == null ? -1 : Long.parseLong(value.trim());
    } else {
      super.setHeader(name, value);
    }
  }

  @Override
  public void addHeader(String name, String value) {
    if ("Content-Length".equalsIgnoreCase(name) && mode != Mode.PASS) {
      contentLength = Long.parseLong(value.trim());
    } else {
      super.addHeader(name, value);
    }
  }

  @Override
  public void setIntHeader(String name, int value) {
    if ("Content-Length".equalsIgnoreCase(name) && mode != Mode.PASS) {
      contentLength = value;
    } else {
      super.setIntHeader(name, value);
    }
  }

  @Override
  public void addIntHeader(String name, int value) {
    if ("Content-Length".equalsIgnoreCase(name) && mode != Mode.PASS) {
      contentLength = value;
    } else {
      super.addIntHeader(name, value);
    }
  }

  // ---- the body ----

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    if (writer != null) {
      throw new IllegalStateException("getWriter() has already been called");
    }
    if (stream == null) {
      stream = new Stream();
    }
    return stream;
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    if (writer == null) {
      if (stream != null) {
        throw new IllegalStateException("getOutputStream() has already been called");
      }
      String charset = getCharacterEncoding();
      // The container adds the charset to Content-Type only for its own writer: say it here.
      super.setCharacterEncoding(charset);
      writerCharset = charset;
      stream = new Stream();
      writer = new PrintWriter(new EncodingWriter(Charset.forName(charset)), false);
    }
    return writer;
  }

  /**
   * Commits the response as without the filter: status and headers go out ({@code isCommitted()}
   * is then true). The bytes before the insertion point stay held until it comes (or the page
   * ends, or 64 KiB are held); the page's bytes after it are flushed.
   */
  @Override
  public void flushBuffer() throws IOException {
    if (writer != null) {
      writer.flush();
    }
    if (mode == Mode.UNDECIDED) {
      decide();
    }
    super.flushBuffer();
  }

  @Override
  public void resetBuffer() {
    discardWritten();
    super.resetBuffer();
  }

  @Override
  public void reset() {
    discardWritten();
    contentLength = -1;
    mode = Mode.UNDECIDED;
    super.reset();
  }

  @Override
  public void sendError(int status, String message) throws IOException {
    discardWritten();
    mode = Mode.PASS;
    super.sendError(status, message);
  }

  @Override
  public void sendError(int status) throws IOException {
    discardWritten();
    mode = Mode.PASS;
    super.sendError(status);
  }

  @Override
  public void sendRedirect(String location) throws IOException {
    discardWritten();
    mode = Mode.PASS;
    super.sendRedirect(location);
  }

  private void discardWritten() {
    if (writer != null) {
      writer.flush();
    }
    heldLength = 0;
    scanner = new InsertionPointScanner();
    if (mode == Mode.HOLD) {
      mode = Mode.UNDECIDED;
    }
  }

  /**
   * Called when the application is done with the page: writes what is still held, untouched if
   * no insertion point came. With {@code async} the page goes on after this call: from then on it
   * passes through.
   */
  void finish(boolean async) throws IOException {
    if (writer != null) {
      writer.flush();
    }
    if (mode == Mode.HOLD) {
      releaseUntagged(held, 0, 0);
    } else if (mode == Mode.UNDECIDED) {
      if (contentLength >= 0) {
        super.setContentLengthLong(contentLength);
      }
      if (async) {
        mode = Mode.PASS;
      }
    }
  }

  /** At the first byte: does this page get the tag? */
  private void decide() {
    mode = injectable() ? Mode.HOLD : Mode.PASS;
    if (mode == Mode.PASS && contentLength >= 0) {
      super.setContentLengthLong(contentLength);
    }
  }

  private boolean injectable() {
    if (tagIssued.getAsBoolean()) {
      return false;
    }
    if (getStatus() != 200 || super.getHeader("Content-Encoding") != null) {
      return false;
    }
    String type = getContentType();
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("text/html")) {
      return false;
    }
    String disposition = super.getHeader("Content-Disposition");
    if (disposition != null && disposition.toLowerCase(Locale.ROOT).startsWith("attachment")) {
      return false;
    }
    try {
      Charset charset = Charset.forName(getCharacterEncoding());
      return Arrays.equals("</head><body>".getBytes(charset),
          "</head><body>".getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException unknown) {
      return false;
    }
  }

  private void write(byte[] bytes, int offset, int length) throws IOException {
    if (mode == Mode.UNDECIDED) {
      decide();
    }
    if (mode == Mode.PASS) {
      super.getOutputStream().write(bytes, offset, length);
      return;
    }
    // Only the first MAXIMUM_HELD_BYTES of the page are searched and held, however it is written.
    int room = MAXIMUM_HELD_BYTES - heldLength;
    long at = scanner.feed(bytes, offset, Math.min(length, room));
    if (at >= 0) {
      release(bytes, offset, length, (int) at);
    } else if (length > room) {
      logger.debug("No </head> or <body> in the first {} bytes of the page: no tag",
          MAXIMUM_HELD_BYTES);
      releaseUntagged(bytes, offset, length);
    } else {
      if (heldLength + length > held.length) {
        held = Arrays.copyOf(held,
            Math.min(MAXIMUM_HELD_BYTES, Math.max(held.length * 2, heldLength + length)));
      }
      System.arraycopy(bytes, offset, held, heldLength, length);
      heldLength += length;
    }
  }

  /**
   * Writes the held bytes and then {@code bytes} with the tag at {@code at} (counted from the
   * page's first byte), then passes through.
   */
  private void release(byte[] bytes, int offset, int length, int at) throws IOException {
    if (alreadyTagged(bytes, offset, length)) {
      releaseUntagged(bytes, offset, length);
      return;
    }
    String tag;
    try {
      tag = tagWithNonce.apply(nonce());
    } catch (RuntimeException e) {
      // An invalidated session, a closed engine: the page goes out as the application wrote it.
      logger.warn("Could not make the script tag of a page; it is served without", e);
      releaseUntagged(bytes, offset, length);
      return;
    }
    byte[] page = held;
    int pageLength = heldLength;
    passThrough();
    ServletOutputStream out = super.getOutputStream();
    byte[] tagBytes = tag.getBytes(StandardCharsets.US_ASCII);
    if (at <= pageLength) {
      out.write(page, 0, at);
      out.write(tagBytes);
      out.write(page, at, pageLength - at);
      out.write(bytes, offset, length);
    } else {
      int before = at - pageLength;
      out.write(page, 0, pageLength);
      out.write(bytes, offset, before);
      out.write(tagBytes);
      out.write(bytes, offset + before, length - before);
    }
  }

  /** Writes the held bytes and then {@code bytes} as the application wrote them. */
  private void releaseUntagged(byte[] bytes, int offset, int length) throws IOException {
    byte[] page = held;
    int pageLength = heldLength;
    passThrough();
    if (contentLength >= 0) {
      super.setContentLengthLong(contentLength);
    }
    ServletOutputStream out = super.getOutputStream();
    out.write(page, 0, pageLength);
    if (length > 0) {
      out.write(bytes, offset, length);
    }
  }

  private void passThrough() {
    mode = Mode.PASS;
    held = new byte[0];
    heldLength = 0;
  }

  /**
   * Whether the page carries the tag already: the application asked for one while serving this
   * request ({@link FarewellServlet#scriptTag}), or the snippet's path is in the bytes seen so far
   * (those held and the write that reached the insertion point, which often holds a whole page).
   * A tag written in a later write, by a page that asked for it before this request, is missed.
   */
  private boolean alreadyTagged(byte[] bytes, int offset, int length) {
    if (tagIssued.getAsBoolean()) {
      return true;
    }
    byte[] path = snippetPath.getBytes(StandardCharsets.US_ASCII);
    return contains(held, 0, heldLength, path) || contains(bytes, offset, length, path);
  }

  private String nonce() {
    return ScriptNonce.of(super.getHeaders("Content-Security-Policy"));
  }

  private static boolean contains(byte[] page, int offset, int length, byte[] text) {
    outer:
    for (int i = offset; i + text.length <= offset + length; i++) {
      for (int k = 0; k < text.length; k++) {
        if (page[i + k] != text[k]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * The application's writer. Unlike an {@code OutputStreamWriter} it keeps no bytes of its own:
   * after a forward Tomcat finishes the response underneath every wrapper, so bytes still held in
   * an encoder's buffer would be lost.
   */
  private final class EncodingWriter extends Writer {
    private final Charset charset;
    private char pendingHighSurrogate;

    EncodingWriter(Charset charset) {
      this.charset = charset;
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
      if (length == 0) {
        return;
      }
      StringBuilder text = new StringBuilder(length + 1);
      if (pendingHighSurrogate != 0) {
        text.append(pendingHighSurrogate);
        pendingHighSurrogate = 0;
      }
      text.append(chars, offset, length);
      char last = text.charAt(text.length() - 1);
      if (Character.isHighSurrogate(last)) {
        // Its low half comes with the next write; encoded alone it would become '?'.
        pendingHighSurrogate = last;
        text.setLength(text.length() - 1);
      }
      byte[] bytes = text.toString().getBytes(charset);
      stream.write(bytes, 0, bytes.length);
    }

    @Override
    public void write(String text, int offset, int length) throws IOException {
      char[] chars = new char[length];
      text.getChars(offset, offset + length, chars, 0);
      write(chars, 0, length);
    }

    @Override
    public void flush() throws IOException {
      stream.flush();
    }

    @Override
    public void close() throws IOException {
      stream.close();
    }
  }

  /** The application's output stream: every byte goes through {@link #write}. */
  private final class Stream extends ServletOutputStream {
    @Override
    public void write(int b) throws IOException {
      InjectingResponse.this.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      InjectingResponse.this.write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
      if (mode == Mode.PASS) {
        InjectingResponse.this.getResponse().getOutputStream().flush();
      }
    }

    @Override
    public void close() throws IOException {
      finish(false);
      if (mode == Mode.PASS) {
        InjectingResponse.this.getResponse().getOutputStream().close();
      }
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      try {
        InjectingResponse.this.getResponse().getOutputStream().setWriteListener(listener);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
