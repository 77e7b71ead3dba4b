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

  private enum State {
    DATA, TAG_OPEN, END_TAG_OPEN, TAG_NAME, IN_TAG, QUOTED, MARKUP, COMMENT_START, COMMENT, BOGUS,
    RAW_TEXT
  }

  private static final int MAXIMUM_NAME = 16;
  private static final String[] RAW_TEXT_ELEMENTS = {"script", "style", "template", "textarea",
      "title"};

  private State state = State.DATA;
  private final StringBuilder name = new StringBuilder(MAXIMUM_NAME);
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
    for (int i = offset; i < offset + length; i++) {
      long found = next(bytes[i]);
      position++;
      if (found >= 0) {
        return found;
      }
    }
    return -1;
  }

  private long next(byte b) {
    switch (state) {
      case DATA -> {
        if (b == '<') {
          tagStart = position;
          state = State.TAG_OPEN;
        }
      }
      case TAG_OPEN -> {
        if (b == '!') {
          state = State.MARKUP;
        } else if (b == '/') {
          state = State.END_TAG_OPEN;
        } else if (isLetter(b)) {
          startName(b, false);
        } else if (b == '?') {
          state = State.BOGUS;
        } else if (b != '<') {
          state = State.DATA;
        } else {
          tagStart = position;
        }
      }
      case END_TAG_OPEN -> {
        if (isLetter(b)) {
          startName(b, true);
        } else {
          state = b == '>' ? State.DATA : State.BOGUS;
        }
      }
      case TAG_NAME -> {
        if (isBoundary(b)) {
          return nameEnded(b);
        }
        if (name.length() < MAXIMUM_NAME) {
          name.append((char) lowerCase(b));
        }
      }
      case IN_TAG -> {
        if (b == '>') {
          return tagEnded();
        } else if ((b == '"' || b == '\'') && afterEquals) {
          quote = b;
          state = State.QUOTED;
        } else if (b == '=') {
          afterEquals = true;
        } else if (!isSpace(b)) {
          afterEquals = false;
        }
      }
      case QUOTED -> {
        if (b == quote) {
          afterEquals = false;
          state = State.IN_TAG;
        }
      }
      case MARKUP -> state = b == '-' ? State.COMMENT_START : b == '>' ? State.DATA : State.BOGUS;
      case COMMENT_START -> {
        if (b == '-') {
          dashes = 0;
          state = State.COMMENT;
        } else {
          state = b == '>' ? State.DATA : State.BOGUS;
        }
      }
      case COMMENT -> {
        if (b == '>' && dashes >= 2) {
          state = State.DATA;
        } else {
          dashes = b == '-' ? dashes + 1 : 0;
        }
      }
      case BOGUS -> {
        if (b == '>') {
          state = State.DATA;
        }
      }
      case RAW_TEXT -> rawText(b);
      default -> throw new AssertionError(state);
    }
    return -1;
  }

  private void startName(byte first, boolean end) {
    name.setLength(0);
    name.append((char) lowerCase(first));
    endTag = end;
    state = State.TAG_NAME;
  }

  private long nameEnded(byte boundary) {
    afterEquals = false;
    if (endTag && name.toString().equals("head")) {
      return tagStart;
    }
    state = State.IN_TAG;
    return boundary == '>' ? tagEnded() : -1;
  }

  private long tagEnded() {
    state = State.DATA;
    if (endTag) {
      return -1;
    }
    String element = name.toString();
    if (element.equals("body")) {
      return position + 1;
    }
    for (String raw : RAW_TEXT_ELEMENTS) {
      if (raw.equals(element)) {
        rawElement = raw;
        rawMatched = 0;
        state = State.RAW_TEXT;
      }
    }
    return -1;
  }

  /** Inside a raw-text element, only its own end tag ({@code </script} + boundary) ends it. */
  private void rawText(byte b) {
    int endLength = 2 + rawElement.length();
    if (rawMatched == endLength) {
      if (isBoundary(b)) {
        name.setLength(0);
        name.append(rawElement);
        endTag = true;
        afterEquals = false;
        state = State.IN_TAG;
        if (b == '>') {
          state = State.DATA;
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
