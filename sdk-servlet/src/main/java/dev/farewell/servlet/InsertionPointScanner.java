package dev.farewell.servlet;

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
  private static final int BOGUS = 9;
  private static final int RAW_TEXT = 10;

  private static final String[] RAW_TEXT_ELEMENTS = {"script", "style", "template", "textarea",
      "title"};
  private static final long[] RAW_TEXT_NAMES = new long[RAW_TEXT_ELEMENTS.length];
  private static final long HEAD = packed("head");
  private static final long BODY = packed("body");
  /** A name longer than any of those above: it matches none. */
  private static final long OTHER = -1;

  static {
    for (int i = 0; i < RAW_TEXT_ELEMENTS.length; i++) {
      RAW_TEXT_NAMES[i] = packed(RAW_TEXT_ELEMENTS[i]);
    }
  }

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
  private int dashes;
  /** The element whose text is raw, and how much of its end tag ({@code "</" + name}) matched. */
  private String rawElement;
  private int rawMatched;
  /** Where the tag being read started ({@code <}), counted from the page's first byte. */
  private long tagStart;
  private long position;

  /**
   * Feeds {@code length} bytes of the page; returns the insertion point (counted from the page's
   * first byte) if it is among them or just before them, else -1. After it returned an insertion
   * point, the scanner must not be fed again.
   */
  long feed(byte[] bytes, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      i = nextThatMatters(bytes, i, end);
      if (i == end) {
        return -1;
      }
      long found = next(bytes[i]);
      position++;
      if (found >= 0) {
        return found;
      }
    }
    return -1;
  }

  /**
   * Feeds {@code length} characters of a page written as text, as {@link #feed(byte[], int, int)};
   * positions are then counted in characters. A character outside ASCII counts as any byte
   * outside ASCII.
   */
  long feed(String text, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      i = nextThatMatters(text, i, end);
      if (i == end) {
        return -1;
      }
      char c = text.charAt(i);
      long found = next(c < 0x80 ? (byte) c : (byte) 0x80);
      position++;
      if (found >= 0) {
        return found;
      }
    }
    return -1;
  }

  /*
   * Most of a head is text, the inside of a script or a style, attribute values and the space
   * between attributes, where one or two bytes matter: '<' in text and raw text, the closing quote
   * in a quoted value, '>' and '=' between attributes. The others are passed over in a tight loop
   * (they would leave the state as it is), and counted.
   */

  /** The index of the next byte from {@code i} that can change the state, or {@code end}. */
  private int nextThatMatters(byte[] bytes, int i, int end) {
    int from = i;
    if (state == DATA || (state == RAW_TEXT && rawMatched == 0)) {
      while (i < end && bytes[i] != '<') {
        i++;
      }
    } else if (state == QUOTED) {
      while (i < end && bytes[i] != quote) {
        i++;
      }
    } else if (state == IN_TAG && !afterEquals) {
      while (i < end && bytes[i] != '>' && bytes[i] != '=') {
        i++;
      }
    }
    position += i - from;
    return i;
  }

  /** The same for a page written as text. */
  private int nextThatMatters(String text, int i, int end) {
    int from = i;
    if (state == DATA || (state == RAW_TEXT && rawMatched == 0)) {
      int at = text.indexOf('<', i);
      i = at < 0 || at > end ? end : at;
    } else if (state == QUOTED) {
      int at = text.indexOf(quote, i);
      i = at < 0 || at > end ? end : at;
    } else if (state == IN_TAG && !afterEquals) {
      char c;
      while (i < end && (c = text.charAt(i)) != '>' && c != '=') {
        i++;
      }
    }
    position += i - from;
    return i;
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
        name = nameLength < 8 ? name << 8 | (lowerCase(b) & 0xff) : OTHER;
        nameLength++;
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
          // As if "--" came: "<!-->" and "<!--->" close at once (an abruptly closed comment).
          dashes = 2;
          state = COMMENT;
        } else {
          state = b == '>' ? DATA : BOGUS;
        }
      }
      case COMMENT -> {
        if (b == '>' && dashes >= 2) {
          state = DATA;
        } else {
          dashes = b == '-' ? dashes + 1 : 0;
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
        rawElement = RAW_TEXT_ELEMENTS[i];
        rawMatched = 0;
        state = RAW_TEXT;
      }
    }
    return -1;
  }

  /** Inside a raw-text element, only its own end tag ({@code </script} + boundary) ends it. */
  private void rawText(byte b) {
    int endLength = 2 + rawElement.length();
    if (rawMatched == endLength) {
      if (isBoundary(b)) {
        name = packed(rawElement);
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
    char expected = rawMatched == 0 ? '<' : rawMatched == 1 ? '/' : rawElement.charAt(rawMatched - 2);
    if (lowerCase(b) == expected) {
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
