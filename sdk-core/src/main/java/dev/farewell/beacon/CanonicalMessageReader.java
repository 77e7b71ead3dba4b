package dev.farewell.beacon;

import dev.farewell.SignalType;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads a valid message in the plain form the snippet sends, straight from its ASCII bytes, or
 * declines: one JSON object of the message's own fields, each once, strings without escapes,
 * integers without sign, fraction or exponent, and JSON whitespace between tokens. Anything else
 * (an unknown field, an escape, a field of the wrong kind, a value the message does not allow, a
 * field missing) is declined and left to {@link MessageParser}'s full parser, which then refuses it
 * with a reason or reads it.
 *
 * <p>So this reader only ever answers for documents that the full parser reads to the same
 * message ({@code MessageReadersAgreeTest} checks that over many generated and mutated documents).
 * It exists because the full parser costs more than the rest of a heartbeat's checks together.
 */
final class CanonicalMessageReader {

  /** The longest integer read here: 18 digits always fit a long. */
  private static final int MAXIMUM_DIGITS = 18;

  private final byte[] json;
  private final int end;
  private int at;

  private CanonicalMessageReader(byte[] json, int length) {
    this.json = json;
    this.end = length;
  }

  /**
   * Returns the message in the first {@code length} bytes of {@code json}, or null if they are not
   * a valid message in the plain form. Any byte outside ASCII is declined (it is no structural
   * character, and inside a string every byte below {@code 0x20}, as bytes of {@code 0x80} and
   * above are in Java, ends the plain form), so the bytes need no check for ASCII first.
   */
  static BeaconMessage read(byte[] json, int length) {
    return new CanonicalMessageReader(json, length).message();
  }

  private BeaconMessage message() {
    if (!next('{')) {
      return null;
    }
    boolean version = false;
    SignalType type = null;
    String token = null;
    String page = null;
    long seq = -1;
    int hidden = -1;
    int nav = -1;
    while (true) {
      skipWhitespace();
      int nameStart = plainString();
      if (nameStart < 0) {
        return null;
      }
      int nameEnd = at - 1;
      if (!next(':')) {
        return null;
      }
      skipWhitespace();
      switch (field(nameStart, nameEnd)) {
        case 'v':
          if (version || number() != 1) {
            return null;
          }
          version = true;
          break;
        case 't':
          if (type != null || (type = type()) == null) {
            return null;
          }
          break;
        case 'k':
          if (token != null || (token = string()) == null) {
            return null;
          }
          break;
        case 'p':
          if (page != null || (page = pageId()) == null) {
            return null;
          }
          break;
        case 's':
          if (seq >= 0 || (seq = number()) < 0) {
            return null;
          }
          break;
        case 'h':
          if (hidden >= 0 || (hidden = bool()) < 0) {
            return null;
          }
          break;
        case 'n':
          if (nav >= 0 || (nav = bool()) < 0) {
            return null;
          }
          break;
        default:
          return null;
      }
      skipWhitespace();
      if (at >= end) {
        return null;
      }
      byte after = json[at++];
      if (after == '}') {
        break;
      }
      if (after != ',') {
        return null;
      }
    }
    skipWhitespace();
    if (at != end || !version || type == null || page == null || seq < 0) {
      return null;
    }
    if (hidden < 0 && type != SignalType.EXIT || nav == 1 && type != SignalType.EXIT) {
      return null;
    }
    return new BeaconMessage(
        type, Optional.ofNullable(token), page, seq, hidden == 1, nav == 1);
  }

  /** Which field {@code json[from, to)} names: its letter, or 0 for none of the message's. */
  private char field(int from, int to) {
    switch (to - from) {
      case 1:
        return is(from, to, "v") ? 'v' : 0;
      case 3:
        return is(from, to, "seq") ? 's' : is(from, to, "nav") ? 'n' : 0;
      case 4:
        return is(from, to, "type") ? 't' : is(from, to, "page") ? 'p' : 0;
      case 5:
        return is(from, to, "token") ? 'k' : 0;
      case 6:
        return is(from, to, "hidden") ? 'h' : 0;
      default:
        return 0;
    }
  }

  private boolean is(int from, int to, String ascii) {
    if (to - from != ascii.length()) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (json[i] != ascii.charAt(i - from)) {
        return false;
      }
    }
    return true;
  }

  private SignalType type() {
    int from = plainString();
    if (from < 0) {
      return null;
    }
    int to = at - 1;
    switch (to - from) {
      case 4:
        return is(from, to, "open")
            ? SignalType.OPEN
            : is(from, to, "exit") ? SignalType.EXIT : null;
      case 6:
        return is(from, to, "hidden")
            ? SignalType.HIDDEN
            : is(from, to, "resume") ? SignalType.RESUME : null;
      case 7:
        return is(from, to, "visible") ? SignalType.VISIBLE : null;
      case 9:
        return is(from, to, "heartbeat") ? SignalType.HEARTBEAT : null;
      default:
        return null;
    }
  }

  private String string() {
    int from = plainString();
    return (from < 0) ? null : new String(json, from, at - 1 - from, StandardCharsets.US_ASCII);
  }

  /** A page id: 8 to 64 characters of [A-Za-z0-9_-], as {@link MessageParser#isPageId}. */
  private String pageId() {
    if (at >= end || json[at] != '"') {
      return null;
    }
    int from = ++at;
    while (at < end && isPageIdChar(json[at])) {
      at++;
    }
    int length = at - from;
    if (at >= end || json[at] != '"' || length < 8 || length > 64) {
      return null;
    }
    at++;
    return new String(json, from, length, StandardCharsets.US_ASCII);
  }

  private static boolean isPageIdChar(byte c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
        || c == '-';
  }

  /**
   * Moves past a string without escapes or control characters, and returns where its text starts
   * (its closing quote is at {@code at - 1}); -1 if none is here.
   */
  private int plainString() {
    if (at >= end || json[at] != '"') {
      return -1;
    }
    int from = ++at;
    return skipString() ? from : -1;
  }

  /** Moves past a string's closing quote; false if it has an escape or a control character. */
  private boolean skipString() {
    while (at < end) {
      byte c = json[at++];
      if (c == '"') {
        return true;
      }
      if (c == '\\' || c < 0x20) {
        return false;
      }
    }
    return false;
  }

  /** A plain non-negative integer ({@code 0} or no leading zero, at most 18 digits), else -1. */
  private long number() {
    int from = at;
    long value = 0;
    while (at < end && json[at] >= '0' && json[at] <= '9') {
      value = value * 10 + (json[at++] - '0');
    }
    int digits = at - from;
    if (digits == 0 || digits > MAXIMUM_DIGITS || digits > 1 && json[from] == '0') {
      return -1;
    }
    // "1.5", "1e3", "12x": not a plain integer (a delimiter or whitespace must follow).
    return (at < end && !isDelimiter(json[at])) ? -1 : value;
  }

  /** 1 for {@code true}, 0 for {@code false}, -1 for anything else. */
  private int bool() {
    int value;
    if (end - at >= 4 && is(at, at + 4, "true")) {
      at += 4;
      value = 1;
    } else if (end - at >= 5 && is(at, at + 5, "false")) {
      at += 5;
      value = 0;
    } else {
      return -1;
    }
    return (at < end && !isDelimiter(json[at])) ? -1 : value;
  }

  private static boolean isDelimiter(byte c) {
    return c == ',' || c == '}' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  /** Skips whitespace, then takes {@code c}; false if another byte (or none) comes first. */
  private boolean next(char c) {
    skipWhitespace();
    if (at < end && json[at] == c) {
      at++;
      return true;
    }
    return false;
  }

  private void skipWhitespace() {
    while (at < end) {
      byte c = json[at];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      at++;
    }
  }
}
