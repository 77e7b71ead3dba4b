package dev.farewell.servlet;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The start of a page under {@link InjectingResponse}: what the application wrote before the
 * insertion point of the tag, held until that point comes, then written out with the tag. A page
 * written through the output stream is held as bytes and goes to the container's stream ({@link
 * Bytes}); one written through the writer is held as characters and goes to the container's own
 * writer, which encodes it as without the filter ({@link Chars}). One page's; its response guards
 * it.
 *
 * @param <P> a piece of the page as the application writes it: {@code byte[]} or {@code String}
 */
abstract class HeldPage<P> {

  /** The most that is held, in bytes or characters, however the page is written. */
  static final int MAXIMUM = 64 * 1024;

  InsertionPointScanner scanner = new InsertionPointScanner();

  /** How much is held. */
  abstract int length();

  /**
   * Feeds {@code piece[offset, offset + length)} to the scanner; returns the insertion point,
   * counted from the page's start, or -1.
   */
  abstract long scan(P piece, int offset, int length);

  abstract void hold(P piece, int offset, int length);

  /**
   * Whether the snippet's path is in what is held or in {@code piece[offset, offset + length)}:
   * the page before the insertion point.
   */
  abstract boolean carriesSnippet(P piece, int offset, int length);

  abstract void writeHeld(int from, int to) throws IOException;

  abstract void write(P piece, int from, int to) throws IOException;

  abstract void writeTag(String tag) throws IOException;

  /** Forgets what is held, and where the scanner was. */
  void clear() {
    scanner = new InsertionPointScanner();
  }

  /**
   * Writes what is held and then {@code piece[offset, offset + length)}, with {@code tag} (when
   * not null) at {@code at}, counted from the page's start; then holds nothing.
   */
  final void release(P piece, int offset, int length, long at, String tag) throws IOException {
    int held = length();
    if (tag == null) {
      writeHeld(0, held);
      write(piece, offset, offset + length);
    } else if (at <= held) {
      writeHeld(0, (int) at);
      writeTag(tag);
      writeHeld((int) at, held);
      write(piece, offset, offset + length);
    } else {
      int before = offset + (int) (at - held);
      writeHeld(0, held);
      write(piece, offset, before);
      writeTag(tag);
      write(piece, before, offset + length);
    }
    clear();
  }

  /** Writes what is held with {@code tag} (when not null) at {@code at}; then holds nothing. */
  final void releaseHeld(long at, String tag) throws IOException {
    int held = length();
    if (tag == null) {
      writeHeld(0, held);
    } else {
      writeHeld(0, (int) at);
      writeTag(tag);
      writeHeld((int) at, held);
    }
    clear();
  }

  /** Writes what is held, untouched; then holds nothing. */
  final void releaseHeld() throws IOException {
    writeHeld(0, length());
    clear();
  }

  /** A page written through the output stream, held as bytes. */
  static final class Bytes extends HeldPage<byte[]> {
    private final OutputStream out;
    private final String snippetPath;
    private byte[] held = new byte[0];
    private int length;

    Bytes(OutputStream out, String snippetPath) {
      this.out = out;
      this.snippetPath = snippetPath;
    }

    @Override
    int length() {
      return length;
    }

    @Override
    long scan(byte[] piece, int offset, int length) {
      return scanner.feed(piece, offset, length);
    }

    @Override
    void hold(byte[] piece, int offset, int count) {
      if (length + count > held.length) {
        held = Arrays.copyOf(held, Math.min(MAXIMUM, Math.max(2 * held.length,
            Math.max(1024, length + count))));
      }
      System.arraycopy(piece, offset, held, length, count);
      length += count;
    }

    @Override
    boolean carriesSnippet(byte[] piece, int offset, int count) {
      // Read as ISO-8859-1, the bytes are the characters of an ASCII text: one search each.
      // The held bytes and the piece are searched together, so a path split between two writes
      // is found: the piece's part is at most the path's length past the last held byte.
      String text = new String(held, 0, length, StandardCharsets.ISO_8859_1)
          + new String(piece, offset, count, StandardCharsets.ISO_8859_1);
      return text.contains(snippetPath);
    }

    @Override
    void writeHeld(int from, int to) throws IOException {
      if (to > from) {
        out.write(held, from, to - from);
      }
    }

    @Override
    void write(byte[] piece, int from, int to) throws IOException {
      if (to > from) {
        out.write(piece, from, to - from);
      }
    }

    @Override
    void writeTag(String tag) throws IOException {
      out.write(tag.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    void clear() {
      super.clear();
      held = new byte[0];
      length = 0;
    }
  }

  /** A page written through the writer, held as characters. */
  static final class Chars extends HeldPage<String> {
    private final PrintWriter out;
    private final String snippetPath;
    private final StringBuilder held = new StringBuilder();

    Chars(PrintWriter out, String snippetPath) {
      this.out = out;
      this.snippetPath = snippetPath;
    }

    @Override
    int length() {
      return held.length();
    }

    @Override
    long scan(String piece, int offset, int length) {
      return scanner.feed(piece, offset, length);
    }

    @Override
    void hold(String piece, int offset, int count) {
      held.append(piece, offset, offset + count);
    }

    @Override
    boolean carriesSnippet(String piece, int offset, int count) {
      // The held characters and the piece are searched together, so a path split between two
      // writes is found.
      return new StringBuilder(held.length() + count).append(held)
          .append(piece, offset, offset + count).indexOf(snippetPath) >= 0;
    }

    @Override
    void writeHeld(int from, int to) {
      if (to > from) {
        out.append(held, from, to);
      }
    }

    @Override
    void write(String piece, int from, int to) {
      if (to > from) {
        out.write(piece, from, to - from);
      }
    }

    @Override
    void writeTag(String tag) {
      out.write(tag);
    }

    @Override
    void clear() {
      super.clear();
      held.setLength(0);
      held.trimToSize();
    }
  }
}
