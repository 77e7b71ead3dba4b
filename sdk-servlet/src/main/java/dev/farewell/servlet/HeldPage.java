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
      if (length == 0) {
        return count >= snippetPath.length()
            && new String(piece, offset, count, StandardCharsets.ISO_8859_1).contains(snippetPath);
      }
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

  /**
   * A page written through the writer, held as the strings the application wrote, not copied
   * (strings do not change): what is held goes to the container's writer in the same writes as
   * without the filter. Short pieces (a page written character by character) are gathered into
   * one string, so that a held page is not thousands of strings.
   */
  static final class Chars extends HeldPage<String> {
    /** A piece shorter than this is copied into {@link #gathered} rather than held as it is. */
    private static final int SHORT = 32;

    private final PrintWriter out;
    private final String snippetPath;
    private String[] pieces = new String[32];
    private int count;
    private int length;
    /** Short pieces written since the last held piece, not yet one piece of their own. */
    private StringBuilder gathered;

    Chars(PrintWriter out, String snippetPath) {
      this.out = out;
      this.snippetPath = snippetPath;
    }

    @Override
    int length() {
      return length;
    }

    @Override
    long scan(String piece, int offset, int length) {
      return scanner.feed(piece, offset, length);
    }

    @Override
    void hold(String piece, int offset, int length) {
      if (length == 0) {
        return;
      }
      if (length < SHORT) {
        if (gathered == null) {
          gathered = new StringBuilder(256);
        }
        gathered.append(piece, offset, offset + length);
        if (gathered.length() >= 8 * SHORT) {
          addGathered();
        }
      } else {
        addGathered();
        add(offset == 0 && length == piece.length()
            ? piece : piece.substring(offset, offset + length));
      }
      this.length += length;
    }

    private void addGathered() {
      if (gathered != null && gathered.length() > 0) {
        add(gathered.toString());
        gathered.setLength(0);
      }
    }

    private void add(String piece) {
      if (count == pieces.length) {
        pieces = Arrays.copyOf(pieces, 2 * count);
      }
      pieces[count++] = piece;
    }

    @Override
    boolean carriesSnippet(String piece, int offset, int length) {
      addGathered();
      // Each held piece is searched where it is. Only a piece that ends with a character of the
      // path can hold the start of a path split between two writes: then all is searched as one.
      for (int i = 0; i < count; i++) {
        String held = pieces[i];
        if (held.contains(snippetPath)) {
          return true;
        }
        if ((i < count - 1 || length > 0)
            && snippetPath.indexOf(held.charAt(held.length() - 1)) >= 0) {
          return joined(piece, offset, length).contains(snippetPath);
        }
      }
      return length >= snippetPath.length()
          && piece.substring(offset, offset + length).contains(snippetPath);
    }

    /** What is held followed by {@code piece[offset, offset + length)}, as one string. */
    private String joined(String piece, int offset, int length) {
      StringBuilder text = new StringBuilder(this.length + length);
      for (int i = 0; i < count; i++) {
        text.append(pieces[i]);
      }
      return text.append(piece, offset, offset + length).toString();
    }

    @Override
    void writeHeld(int from, int to) {
      addGathered();
      int start = 0;
      for (int i = 0; i < count && start < to; i++) {
        String held = pieces[i];
        int end = start + held.length();
        int first = Math.max(from, start);
        int last = Math.min(to, end);
        if (last > first) {
          out.write(held, first - start, last - first);
        }
        start = end;
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
      Arrays.fill(pieces, 0, count, null);
      count = 0;
      length = 0;
      gathered = null;
    }
  }
}
