package dev.farewell.servlet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Finds where the script tag goes in a page fed to it byte by byte: before the {@code </head>} end
 * tag, or after the {@code >} of the {@code <body>} start tag, whichever comes first. A small
 * tokenizer after the HTML parsing rules, so that the text {@code </head>} or {@code <body>} inside
 * a comment, a quoted attribute value or the text of a {@code script}, {@code style}, {@code
 * template}, {@code textarea} or {@code title} element is not taken for the tag (a head script that
 * builds a print window holds {@code '<html><head></head><body>'} in a string). A tag name must end
 * at a tag boundary: {@code </header>} is not {@code </head>}.
 *
 * <p>Reads each byte once and keeps a few bytes of state, whatever the page's length, so a page fed
 * in many writes costs no more than one. Works on the bytes of any ASCII-compatible charset. One
 * page's; not thread-safe.
 *
 * <p>Most of a head is text, the inside of a script or a style, attribute values and the space
 * between attributes, where one or two bytes matter: {@code <} in text and raw text, the closing
 * quote in a quoted value, {@code >} and {@code =} between attributes, {@code -} and {@code >} in
 * a comment. The others would leave the state as it is: they are passed over eight at a time in
 * bytes (one {@code long} compared at once), and by {@link String#indexOf(int, int)} in text.
 */
final class InsertionPointScanner {

  // The states of the tokenizer (ints rather than an enum: a switch on them is one table jump).
  private static final int DATA = 0;
  private static final int TAG_OPEN = 1;
  private static final int END_TAG_OPEN = 2;
  private static final int TAG_NAME = 3;
  private static final int IN_TAG = 4;
  private static final int QUOTED = 5;
  private static final int MARKUP = 6;
  private static final int COMMENT_START = 7;
  private static final int COMMENT = 8;
  /** {@link #dashes} after "--!" in a comment: a '>' next ends it. */
  private static final int BANG = -1;
  /** {@link #dashes} just after "<!--": a '>' next ends the comment ("<!-->"). */
  private static final int OPENED = -2;
  /** {@link #dashes} just after "<!---": a '>' next ends it ("<!--->"), a '-' makes "--". */
  private static final int OPENED_DASH = -3;
  private static final int BOGUS = 9;
  private static final int RAW_TEXT = 10;

  private static final String[] RAW_TEXT_ELEMENTS = {"script", "style", "template", "textarea",
      "title"};
  private static final long[] RAW_TEXT_NAMES = new long[RAW_TEXT_ELEMENTS.length];
  /** The start of each raw-text element's end tag, {@code "</" + name}. */
  private static final byte[][] RAW_TEXT_ENDS = new byte[RAW_TEXT_ELEMENTS.length][];
  private static final long HEAD = packed("head");
  private static final long BODY = packed("body");
  /** A name longer than any of those above: it matches none. */
  private static final long OTHER = -1;

  static {
    for (int i = 0; i < RAW_TEXT_ELEMENTS.length; i++) {
      RAW_TEXT_NAMES[i] = packed(RAW_TEXT_ELEMENTS[i]);
      RAW_TEXT_ENDS[i] = ("</" + RAW_TEXT_ELEMENTS[i]).getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** Eight bytes of a page at once, in the order they come. */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private int state = DATA;
  /**
   * The tag's name so far, lower case, one byte per letter in a {@code long} (the names that
   * matter have at most 8 letters; a longer one is {@link #OTHER}), compared without a string.
   */
  private long name;
  private int nameLength;
  private boolean endTag;
  private boolean afterEquals;
  private byte quote;
  /**
   * Dashes just seen in a comment, or {@link #BANG} after "--!", or {@link #OPENED} and {@link
   * #OPENED_DASH} right after the comment's opening (whose dashes do not count towards "--!>").
   */
  private int dashes;
  /** The element whose text is raw: its name and its end tag's start ({@code "</" + name}). */
  private long rawName;
  private byte[] rawEnd;
  /** How much of {@link #rawEnd} matched. */
  private int rawMatched;
  /** Where the tag being read started ({@code <}), counted from the page's first byte. */
  private long tagStart;
  /** The byte being read, counted from the page's first byte; past a feed, the next one. */
  private long position;

  /**
   * Feeds {@code length} bytes of the page; returns the insertion point (counted from the page's
   * first byte) if it is among them or just before them, else -1. After it returned an insertion
   * point, the scanner must not be fed again.
   */
  long feed(byte[] bytes, int offset, int length) {
    int end = offset + length;
    long base = position - offset;
    for (int i = offset; ; i++) {
      i = nextThatMatters(bytes, i, end);
      if (i == end) {
        position = base + end;
        return -1;
      }
      position = base + i;
      long found = next(bytes[i]);
      if (found >= 0) {
        position++;
        return found;
      }
    }
  }

  /**
   * Feeds {@code length} characters of a page written as text, as {@link #feed(byte[], int, int)};
   * positions are then counted in characters. A character outside ASCII counts as any byte
   * outside ASCII.
   */
  long feed(String text, int offset, int length) {
    int end = offset + length;
    long base = position - offset;
    for (int i = offset; ; i++) {
      i = nextThatMatters(text, i, end);
      if (i == end) {
        position = base + end;
        return -1;
      }
      position = base + i;
      long found = next(asByte(text.charAt(i)));
      if (found >= 0) {
        position++;
        return found;
      }
    }
  }

  /**
   * The index of the next byte from {@code i} that can change the state, or {@code end}; the
   * bytes of a tag's name on the way are read into it.
   */
  private int nextThatMatters(byte[] bytes, int i, int end) {
    switch (state) {
      case DATA, BOGUS -> {
        return indexOf(bytes, i, end, state == DATA ? '<' : '>');
      }
      case RAW_TEXT -> {
        return rawMatched == 0 ? indexOf(bytes, i, end, '<') : i;
      }
      case QUOTED -> {
        return indexOf(bytes, i, end, quote);
      }
      case IN_TAG -> {
        return afterEquals ? i : indexOf(bytes, i, end, '>', '=');
      }
      case COMMENT -> {
        if (dashes >= 2 || dashes < 0) {
          return i; // the next byte may close the comment ("-->", "--!>") or extend it
        }
        int next = indexOf(bytes, i, end, '-', '>');
        if (next > i) {
          dashes = 0;
        }
        return next;
      }
      case TAG_NAME -> {
        byte b;
        while (i < end && !isBoundary(b = bytes[i])) {
          addToName(b);
          i++;
        }
        return i;
      }
      default -> {
        return i;
      }
    }
  }

  /** The same for a page written as text. */
  private int nextThatMatters(String text, int i, int end) {
    switch (state) {
      case DATA, BOGUS -> {
        return indexOf(text, i, end, state == DATA ? '<' : '>');
      }
      case RAW_TEXT -> {
        return rawMatched == 0 ? indexOf(text, i, end, '<') : i;
      }
      case QUOTED -> {
        return indexOf(text, i, end, quote);
      }
      case IN_TAG -> {
        if (!afterEquals) {
          char c;
          while (i < end && (c = text.charAt(i)) != '>' && c != '=') {
            i++;
          }
        }
        return i;
      }
      case COMMENT -> {
        if (dashes >= 2 || dashes < 0) {
          return i;
        }
        int from = i;
        char c;
        while (i < end && (c = text.charAt(i)) != '-' && c != '>') {
          i++;
        }
        if (i > from) {
          dashes = 0;
        }
        return i;
      }
      case TAG_NAME -> {
        byte b;
        while (i < end && !isBoundary(b = asByte(text.charAt(i)))) {
          addToName(b);
          i++;
        }
        return i;
      }
      default -> {
        return i;
      }
    }
  }

  /** The index of the first {@code target} in {@code bytes[i, end)}, or {@code end}. */
  private static int indexOf(byte[] bytes, int i, int end, int target) {
    long pattern = (target & 0xff) * ONES;
    for (; i <= end - 8; i += 8) {
      // A byte of x is zero where the page's byte is the target; the lowest such byte is found
      // exactly (a borrow runs only towards higher bytes).
      long x = (long) LONGS.get(bytes, i) ^ pattern;
      long zeros = (x - ONES) & ~x & HIGHS;
      if (zeros != 0) {
        return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
      }
    }
    while (i < end && bytes[i] != target) {
      i++;
    }
    return i;
  }

  /** The index of the first {@code one} or {@code other} in {@code bytes[i, end)}, or {@code end}. */
  private static int indexOf(byte[] bytes, int i, int end, int one, int other) {
    long onePattern = (one & 0xff) * ONES;
    long otherPattern = (other & 0xff) * ONES;
    for (; i <= end - 8; i += 8) {
      long word = (long) LONGS.get(bytes, i);
      long x = word ^ onePattern;
      long y = word ^ otherPattern;
      long zeros = ((x - ONES) & ~x | (y - ONES) & ~y) & HIGHS;
      if (zeros != 0) {
        return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
      }
    }
    while (i < end && bytes[i] != one && bytes[i] != other) {
      i++;
    }
    return i;
  }

  private static int indexOf(String text, int i, int end, int target) {
    int at = text.indexOf(target, i);
    return at < 0 || at > end ? end : at;
  }

  private static byte asByte(char c) {
    return c < 0x80 ? (byte) c : (byte) 0x80;
  }

  private long next(byte b) {
    switch (state) {
      case DATA -> {
        if (b == '<') {
          tagStart = position;
          state = TAG_OPEN;
        }
      }
      case TAG_OPEN -> {
        if (b == '!') {
          state = MARKUP;
        } else if (b == '/') {
          state = END_TAG_OPEN;
        } else if (isLetter(b)) {
          startName(b, false);
        } else if (b == '?') {
          state = BOGUS;
        } else if (b != '<') {
          state = DATA;
        } else {
          tagStart = position;
        }
      }
      case END_TAG_OPEN -> {
        if (isLetter(b)) {
          startName(b, true);
        } else {
          state = b == '>' ? DATA : BOGUS;
        }
      }
      case TAG_NAME -> {
        if (isBoundary(b)) {
          return nameEnded(b);
        }
        addToName(b);
      }
      case IN_TAG -> {
        if (b == '>') {
          return tagEnded();
        } else if ((b == '"' || b == '\'') && afterEquals) {
          quote = b;
          state = QUOTED;
        } else if (b == '=') {
          afterEquals = true;
        } else if (!isSpace(b)) {
          afterEquals = false;
        }
      }
      case QUOTED -> {
        if (b == quote) {
          afterEquals = false;
          state = IN_TAG;
        }
      }
      case MARKUP -> state = b == '-' ? COMMENT_START : b == '>' ? DATA : BOGUS;
      case COMMENT_START -> {
        if (b == '-') {
          // "<!-->" and "<!--->" close at once (an abruptly closed comment), "<!--!>" does not.
          dashes = OPENED;
          state = COMMENT;
        } else {
          state = b == '>' ? DATA : BOGUS;
        }
      }
      case COMMENT -> {
        if (b == '>' && (dashes >= 2 || dashes < 0)) {
          // "-->", or "--!>", which browsers also take as the comment's end, or "<!-->", "<!--->"
          state = DATA;
        } else if (b == '-') {
          dashes = dashes == OPENED ? OPENED_DASH
              : dashes == BANG ? 1
              : dashes == OPENED_DASH ? 2
              : dashes + 1;
        } else {
          dashes = b == '!' && dashes >= 2 ? BANG : 0;
        }
      }
      case BOGUS -> {
        if (b == '>') {
          state = DATA;
        }
      }
      case RAW_TEXT -> rawText(b);
      default -> throw new AssertionError("state " + state);
    }
    return -1;
  }

  private void addToName(byte b) {
    name = nameLength < 8 ? name << 8 | (lowerCase(b) & 0xff) : OTHER;
    nameLength++;
  }

  private void startName(byte first, boolean end) {
    name = lowerCase(first);
    nameLength = 1;
    endTag = end;
    state = TAG_NAME;
  }

  private long nameEnded(byte boundary) {
    afterEquals = false;
    if (endTag && name == HEAD) {
      return tagStart;
    }
    state = IN_TAG;
    return boundary == '>' ? tagEnded() : -1;
  }

  private long tagEnded() {
    state = DATA;
    if (endTag) {
      return -1;
    }
    if (name == BODY) {
      return position + 1;
    }
    for (int i = 0; i < RAW_TEXT_NAMES.length; i++) {
      if (name == RAW_TEXT_NAMES[i]) {
        rawName = name;
        rawEnd = RAW_TEXT_ENDS[i];
        rawMatched = 0;
        state = RAW_TEXT;
      }
    }
    return -1;
  }

  /** Inside a raw-text element, only its own end tag ({@code </script} + boundary) ends it. */
  private void rawText(byte b) {
    if (rawMatched == rawEnd.length) {
      if (isBoundary(b)) {
        name = rawName;
        endTag = true;
        afterEquals = false;
        state = IN_TAG;
        if (b == '>') {
          state = DATA;
        }
        return;
      }
      rawMatched = 0;
    }
    if (lowerCase(b) == rawEnd[rawMatched]) {
      if (rawMatched == 0) {
        tagStart = position;
      }
      rawMatched++;
    } else {
      rawMatched = b == '<' ? 1 : 0;
      if (rawMatched == 1) {
        tagStart = position;
      }
    }
  }

  private static long packed(String lowerCaseName) {
    long packed = 0;
    for (int i = 0; i < lowerCaseName.length(); i++) {
      packed = packed << 8 | lowerCaseName.charAt(i);
    }
    return packed;
  }

  private static boolean isLetter(byte b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f';
  }

  private static boolean isBoundary(byte b) {
    return isSpace(b) || b == '/' || b == '>';
  }

  private static byte lowerCase(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
  }
}
