package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every short sequence of '<', '!', '-', '>' (and '/', '?', ' ', 'a') between "<html><head>" and
 * "</head><body>": the scanner's insertion point must be where a tiny implementation of the HTML
 * tokenizer's states (data, tag open, end tag open, tag name, markup declaration open, bogus
 * comment, comment start, comment start dash, comment, comment less-than sign (bang, dash, dash
 * dash), comment end dash, comment end, comment end bang) puts the "</head>" or "<body>".
 */
class InsertionPointCommentSpecTest {

  private static final String PREFIX = "<html><head>";
  private static final String SUFFIX = "</head><body>x";

  @Test
  void commentAlphabetUpToNine() {
    compareAll("<!->", 9);
  }

  @Test
  void widerAlphabetUpToSix() {
    compareAll("<!->/? a", 6);
  }

  private static void compareAll(String alphabet, int maxLength) {
    List<String> mismatches = new ArrayList<>();
    char[] sequence = new char[maxLength];
    for (int length = 0; length <= maxLength; length++) {
      int[] digits = new int[length];
      while (true) {
        for (int i = 0; i < length; i++) {
          sequence[i] = alphabet.charAt(digits[i]);
        }
        String middle = new String(sequence, 0, length);
        String page = PREFIX + middle + SUFFIX;
        long expected = reference(page);
        byte[] bytes = page.getBytes(StandardCharsets.US_ASCII);
        long inBytes = new InsertionPointScanner().feed(bytes, 0, bytes.length);
        long inText = new InsertionPointScanner().feed(page, 0, page.length());
        long byteByByte = -1;
        InsertionPointScanner one = new InsertionPointScanner();
        for (int i = 0; i < bytes.length && byteByByte < 0; i++) {
          byteByByte = one.feed(bytes, i, 1);
        }
        if (inBytes != expected || inText != expected || byteByByte != expected) {
          if (mismatches.size() < 40) {
            mismatches.add("\"" + middle + "\": spec " + expected + ", bytes " + inBytes
                + ", text " + inText + ", byte by byte " + byteByByte);
          }
        }
        int i = length - 1;
        while (i >= 0 && ++digits[i] == alphabet.length()) {
          digits[i] = 0;
          i--;
        }
        if (i < 0) {
          break;
        }
      }
    }
    assertThat(mismatches).isEmpty();
  }

  // The HTML tokenizer's states, as far as these characters reach them.
  private static final int DATA = 0;
  private static final int TAG_OPEN = 1;
  private static final int END_TAG_OPEN = 2;
  private static final int TAG_NAME = 3;
  private static final int IN_TAG = 4;
  private static final int MARKUP = 5;
  private static final int BOGUS = 6;
  private static final int COMMENT_START = 7;
  private static final int COMMENT_START_DASH = 8;
  private static final int COMMENT = 9;
  private static final int LT = 10;
  private static final int LT_BANG = 11;
  private static final int LT_BANG_DASH = 12;
  private static final int LT_BANG_DASH_DASH = 13;
  private static final int END_DASH = 14;
  private static final int END = 15;
  private static final int END_BANG = 16;

  /** Where the tag goes by the spec: before "</head>" or after "<body>"'s '>'; -1 if never. */
  static long reference(String s) {
    int state = DATA;
    int tagStart = -1;
    StringBuilder name = new StringBuilder();
    boolean endTag = false;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      boolean consume = true;
      switch (state) {
        case DATA -> {
          if (c == '<') {
            tagStart = i;
            state = TAG_OPEN;
          }
        }
        case TAG_OPEN -> {
          if (c == '!') {
            state = MARKUP;
          } else if (c == '/') {
            state = END_TAG_OPEN;
          } else if (Character.isLetter(c)) {
            name.setLength(0);
            endTag = false;
            state = TAG_NAME;
            consume = false;
          } else if (c == '?') {
            state = BOGUS;
            consume = false;
          } else {
            state = DATA;
            consume = false;
          }
        }
        case END_TAG_OPEN -> {
          if (Character.isLetter(c)) {
            name.setLength(0);
            endTag = true;
            state = TAG_NAME;
            consume = false;
          } else if (c == '>') {
            state = DATA;
          } else {
            state = BOGUS;
            consume = false;
          }
        }
        case TAG_NAME -> {
          if (c == ' ' || c == '/' || c == '>') {
            if (endTag && name.toString().equals("head")) {
              return tagStart;
            }
            state = IN_TAG;
            consume = false;
          } else {
            name.append(Character.toLowerCase(c));
          }
        }
        case IN_TAG -> {
          if (c == '>') {
            if (!endTag && name.toString().equals("body")) {
              return i + 1;
            }
            state = DATA;
          }
        }
        case MARKUP -> {
          if (s.startsWith("--", i)) {
            i += 2;
            state = COMMENT_START;
            continue;
          }
          state = BOGUS;
          consume = false;
        }
        case BOGUS -> {
          if (c == '>') {
            state = DATA;
          }
        }
        case COMMENT_START -> {
          if (c == '-') {
            state = COMMENT_START_DASH;
          } else if (c == '>') {
            state = DATA;
          } else {
            state = COMMENT;
            consume = false;
          }
        }
        case COMMENT_START_DASH -> {
          if (c == '-') {
            state = END;
          } else if (c == '>') {
            state = DATA;
          } else {
            state = COMMENT;
            consume = false;
          }
        }
        case COMMENT -> {
          if (c == '<') {
            state = LT;
          } else if (c == '-') {
            state = END_DASH;
          }
        }
        case LT -> {
          if (c == '!') {
            state = LT_BANG;
          } else if (c != '<') {
            state = COMMENT;
            consume = false;
          }
        }
        case LT_BANG -> {
          if (c == '-') {
            state = LT_BANG_DASH;
          } else {
            state = COMMENT;
            consume = false;
          }
        }
        case LT_BANG_DASH -> {
          if (c == '-') {
            state = LT_BANG_DASH_DASH;
          } else {
            state = END_DASH;
            consume = false;
          }
        }
        case LT_BANG_DASH_DASH -> {
          state = END;
          consume = false;
        }
        case END_DASH -> {
          if (c == '-') {
            state = END;
          } else {
            state = COMMENT;
            consume = false;
          }
        }
        case END -> {
          if (c == '>') {
            state = DATA;
          } else if (c == '!') {
            state = END_BANG;
          } else if (c != '-') {
            state = COMMENT;
            consume = false;
          }
        }
        case END_BANG -> {
          if (c == '-') {
            state = END_DASH;
          } else if (c == '>') {
            state = DATA;
          } else {
            state = COMMENT;
            consume = false;
          }
        }
        default -> throw new AssertionError(state);
      }
      if (consume) {
        i++;
      }
    }
    return -1;
  }
}
