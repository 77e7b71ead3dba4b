package dev.farewell.beacon;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Finds the JSON text of a message in a body of any form a browser's {@code sendBeacon} or {@code
 * fetch} can send: the body itself ({@code text/plain}, {@code application/json}, no content type),
 * or the field {@code d} of a form ({@code application/x-www-form-urlencoded}, {@code
 * multipart/form-data}). The body is at most 4 KiB and already in memory; nothing here reads more.
 */
final class BodyDecoder {

  private static final String FIELD = "d";

  private BodyDecoder() {}

  /** Checks the content type before the body is read; throws 415 for one we do not take. */
  static MediaType accept(String contentType) throws Rejection {
    MediaType media = MediaType.parse(contentType);
    if (media == null) {
      throw unsupported();
    }
    switch (media.type) {
      case "":
      case "text/plain":
      case "application/json":
        String charset = media.parameter("charset");
        if (charset != null && !charset.equalsIgnoreCase("utf-8")
            && !charset.equalsIgnoreCase("utf8") && !charset.equalsIgnoreCase("us-ascii")) {
          throw unsupported();
        }
        return media;
      case "application/x-www-form-urlencoded":
        return media;
      case "multipart/form-data":
        String boundary = media.parameter("boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
          throw Rejection.malformed("multipart/form-data needs a boundary of 1 to 70 characters");
        }
        return media;
      default:
        throw unsupported();
    }
  }

  private static Rejection unsupported() {
    return new Rejection(
        415,
        "unsupported_media_type",
        "content type must be text/plain, application/json, application/x-www-form-urlencoded"
            + " or multipart/form-data, in UTF-8");
  }

  /** Returns the JSON text of the message in {@code body}. */
  static String json(MediaType media, byte[] body, int length) throws Rejection {
    switch (media.type) {
      case "application/x-www-form-urlencoded":
        return formField(body, length);
      case "multipart/form-data":
        return Multipart.field(body, length, media.parameter("boundary"), FIELD);
      default:
        return utf8(body, 0, length);
    }
  }

  /** Whether the message is the body itself (not a field of a form). */
  static boolean isJsonBody(MediaType media) {
    switch (media.type) {
      case "application/x-www-form-urlencoded":
      case "multipart/form-data":
        return false;
      default:
        return true;
    }
  }

  static String utf8(byte[] bytes, int offset, int length) throws Rejection {
    if (isAscii(bytes, offset, length)) {
      return new String(bytes, offset, length, StandardCharsets.US_ASCII); // (a message is ASCII)
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, offset, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw Rejection.malformed("body is not valid UTF-8");
    }
  }

  static boolean isAscii(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] < 0) {
        return false;
      }
    }
    return true;
  }

  private static String formField(byte[] body, int length) throws Rejection {
    int start = 0;
    while (start <= length) {
      int end = start;
      while (end < length && body[end] != '&') {
        end++;
      }
      int equals = start;
      while (equals < end && body[equals] != '=') {
        equals++;
      }
      if (percentDecoded(body, start, equals).equals(FIELD)) {
        return equals < end ? percentDecoded(body, equals + 1, end) : "";
      }
      start = end + 1;
    }
    throw Rejection.malformed("form body has no field d");
  }

  /** Decodes {@code application/x-www-form-urlencoded} bytes ('+' and %XX) as strict UTF-8. */
  private static String percentDecoded(byte[] body, int from, int to) throws Rejection {
    byte[] out = new byte[to - from];
    int n = 0;
    for (int i = from; i < to; i++) {
      byte b = body[i];
      if (b == '+') {
        out[n++] = ' ';
      } else if (b == '%') {
        if (i + 2 >= to) {
          throw Rejection.malformed("form body is not valid URL encoding");
        }
        int high = Character.digit(body[i + 1], 16);
        int low = Character.digit(body[i + 2], 16);
        if (high < 0 || low < 0) {
          throw Rejection.malformed("form body is not valid URL encoding");
        }
        out[n++] = (byte) (high << 4 | low);
        i += 2;
      } else {
        out[n++] = b;
      }
    }
    return utf8(out, 0, n);
  }
}
