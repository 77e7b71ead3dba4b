package dev.farewell.beacon;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.farewell.SignalType;
import java.io.IOException;
import java.util.Optional;

/**
 * Turns the JSON text of one message into a {@link BeaconMessage}, with jackson-core's streaming
 * parser under tight {@link StreamReadConstraints}: the body is hostile until proven otherwise.
 */
final class MessageParser {


  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(16)
                  .maxNumberLength(24)
                  .maxStringLength(BeaconHandler.MAXIMUM_BODY_BYTES)
                  .maxNameLength(256)
                  .maxDocumentLength(BeaconHandler.MAXIMUM_BODY_BYTES)
                  .maxTokenCount(2_000)
                  .build())
          // Field names are canonicalized in Jackson's symbol table (which lets it parse bytes
          // without a String per name; it shares at most 6,000 names and fails on hash flooding),
          // never interned into the JVM's string pool.
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
          .build();

  private MessageParser() {}

  static BeaconMessage parse(String json) throws Rejection {
    try (JsonParser parser = FACTORY.createParser(json)) {
      return read(parser);
    } catch (IOException | RuntimeException e) {
      throw Rejection.malformed("body is not a valid JSON message");
    }
  }

  /**
   * Reads the message in the first {@code length} bytes of a body of type {@code media}. A JSON
   * body in the snippet's plain form is read by {@link CanonicalMessageReader} straight from its
   * bytes (which declines any byte outside ASCII, so the body is not scanned for one first); any
   * other goes to the full parser, decoded first unless it is ASCII JSON.
   */
  static BeaconMessage parse(MediaType media, byte[] body, int length) throws Rejection {
    if (BodyDecoder.isJsonBody(media)) {
      BeaconMessage plain = CanonicalMessageReader.read(body, length);
      if (plain != null) {
        return plain;
      }
      if (BodyDecoder.isAscii(body, 0, length)) {
        return parseAsciiInFull(body, length);
      }
    }
    return parse(BodyDecoder.json(media, body, length));
  }

  /**
   * {@link #parse(String)} of the first {@code length} bytes of {@code json}, which are all ASCII
   * (the usual message, parsed without decoding it first).
   */
  static BeaconMessage parseAscii(byte[] json, int length) throws Rejection {
    BeaconMessage plain = CanonicalMessageReader.read(json, length);
    return (plain != null) ? plain : parseAsciiInFull(json, length);
  }

  /** {@link #parseAscii} by the full parser alone: the reference the plain reader agrees with. */
  static BeaconMessage parseAsciiInFull(byte[] json, int length) throws Rejection {
    try (JsonParser parser = FACTORY.createParser(json, 0, length)) {
      return read(parser);
    } catch (IOException | RuntimeException e) {
      throw Rejection.malformed("body is not a valid JSON message");
    }
  }

  private static BeaconMessage read(JsonParser parser) throws IOException, Rejection {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      throw Rejection.malformed("body must be a JSON object");
    }
    Integer version = null;
    SignalType type = null;
    String token = null;
    String page = null;
    Long seq = null;
    Boolean hidden = null;
    Boolean nav = null;
    JsonToken next;
    // A field of the message given twice is refused (each is null until it is read); unknown ones
    // are ignored, twice or not, so they cannot make two parsers read the message differently.
    while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (name) {
        case "v":
          once(version, name);
          if (value != JsonToken.VALUE_NUMBER_INT
              || parser.getNumberType() != JsonParser.NumberType.INT
              || parser.getIntValue() != 1) {
            throw Rejection.malformed("v must be 1");
          }
          version = 1;
          break;
        case "type":
          once(type, name);
          type = type(value == JsonToken.VALUE_STRING ? parser.getText() : null);
          break;
        case "token":
          once(token, name);
          if (value != JsonToken.VALUE_STRING) {
            throw Rejection.malformed("token must be a string");
          }
          token = parser.getText();
          break;
        case "page":
          once(page, name);
          if (value != JsonToken.VALUE_STRING || !isPageId(parser.getText())) {
            throw Rejection.malformed("page must be 8 to 64 characters of [A-Za-z0-9_-]");
          }
          page = parser.getText();
          break;
        case "seq":
          once(seq, name);
          if (value != JsonToken.VALUE_NUMBER_INT
              || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
              || parser.getLongValue() < 0) {
            throw Rejection.malformed("seq must be a non-negative integer");
          }
          seq = parser.getLongValue();
          break;
        case "hidden":
          once(hidden, name);
          hidden = bool(value, "hidden");
          break;
        case "nav":
          once(nav, name);
          nav = bool(value, "nav");
          break;
        default:
          // Unknown fields are ignored: newer clients may send more (forward compatibility).
          parser.skipChildren();
      }
    }
    if (next != JsonToken.END_OBJECT || parser.nextToken() != null) {
      throw Rejection.malformed("body must be exactly one JSON object");
    }
    if (version == null) {
      throw Rejection.malformed("v must be 1");
    }
    if (type == null) {
      throw Rejection.malformed("type is missing");
    }
    if (page == null) {
      throw Rejection.malformed("page is missing");
    }
    if (seq == null) {
      throw Rejection.malformed("seq is missing");
    }
    if (hidden == null && type != SignalType.EXIT) {
      throw Rejection.malformed("hidden is missing (required on every type but exit)");
    }
    if (Boolean.TRUE.equals(nav) && type != SignalType.EXIT) {
      throw Rejection.malformed("nav applies to exit only");
    }
    return new BeaconMessage(
        type,
        Optional.ofNullable(token),
        page,
        seq,
        Boolean.TRUE.equals(hidden),
        Boolean.TRUE.equals(nav));
  }

  /** Whether {@code text} is 8 to 64 characters of [A-Za-z0-9_-]. */
  static boolean isPageId(String text) {
    int length = text.length();
    if (length < 8 || length > 64) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
          || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static SignalType type(String text) throws Rejection {
    if (text != null) {
      switch (text) {
        case "open":
          return SignalType.OPEN;
        case "heartbeat":
          return SignalType.HEARTBEAT;
        case "hidden":
          return SignalType.HIDDEN;
        case "visible":
          return SignalType.VISIBLE;
        case "exit":
          return SignalType.EXIT;
        case "resume":
          return SignalType.RESUME;
        default:
          break;
      }
    }
    throw Rejection.malformed(
        "type must be one of open, heartbeat, hidden, visible, exit, resume");
  }

  private static void once(Object read, String name) throws Rejection {
    if (read != null) {
      throw Rejection.malformed("field " + name + " appears twice");
    }
  }

  private static boolean bool(JsonToken value, String name) throws Rejection {
    if (value == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (value == JsonToken.VALUE_FALSE) {
      return false;
    }
    throw Rejection.malformed(name + " must be true or false");
  }
}
