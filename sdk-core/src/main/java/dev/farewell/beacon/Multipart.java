package dev.farewell.beacon;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads one field of a {@code multipart/form-data} body (RFC 7578) that is already in memory and at
 * most 4 KiB, so that the container never parses, buffers or spools an upload for us.
 */
final class Multipart {

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};

  private Multipart() {}

  static String field(byte[] body, int length, String boundary, String name) throws Rejection {
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    byte[] nextDelimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    // The body starts with the first delimiter, or with a preamble and then "\r\n--boundary".
    int position;
    if (startsWith(body, 0, length, delimiter)) {
      position = delimiter.length;
    } else {
      int found = indexOf(body, 0, length, nextDelimiter);
      if (found < 0) {
        throw Rejection.malformed("multipart body has no part");
      }
      position = found + nextDelimiter.length;
    }
    while (true) {
      if (startsWith(body, position, length, new byte[] {'-', '-'})) {
        break; // the closing delimiter
      }
      int lineEnd = indexOf(body, position, length, CRLF);
      if (lineEnd < 0 || !isBlank(body, position, lineEnd)) {
        throw Rejection.malformed("multipart delimiter is not followed by a line break");
      }
      int headersStart = lineEnd + 2;
      int headersEnd = indexOf(body, headersStart, length, HEADERS_END);
      if (headersEnd < 0) {
        throw Rejection.malformed("multipart part has no end of headers");
      }
      int contentStart = headersEnd + 4;
      int contentEnd = indexOf(body, contentStart, length, nextDelimiter);
      if (contentEnd < 0) {
        throw Rejection.malformed("multipart part is not closed");
      }
      String headers =
          new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
      if (name.equals(partName(headers))) {
        return BodyDecoder.utf8(body, contentStart, contentEnd - contentStart);
      }
      position = contentEnd + nextDelimiter.length;
    }
    throw Rejection.malformed("multipart body has no field d");
  }

  /** Returns the {@code name} of a part's {@code Content-Disposition: form-data}, or null. */
  private static String partName(String headers) {
    for (String line : headers.split("\r\n", -1)) {
      int colon = line.indexOf(':');
      if (colon < 0
          || !line.substring(0, colon).trim().equalsIgnoreCase("content-disposition")) {
        continue;
      }
      MediaType disposition = MediaType.parse(line.substring(colon + 1));
      if (disposition != null && disposition.type.toLowerCase(Locale.ROOT).equals("form-data")) {
        return disposition.parameter("name");
      }
    }
    return null;
  }

  private static boolean isBlank(byte[] body, int from, int to) {
    for (int i = from; i < to; i++) {
      if (body[i] != ' ' && body[i] != '\t') {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWith(byte[] body, int from, int length, byte[] prefix) {
    if (from + prefix.length > length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (body[from + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] body, int from, int length, byte[] needle) {
    for (int i = from; i + needle.length <= length; i++) {
      if (startsWith(body, i, length, needle)) {
        return i;
      }
    }
    return -1;
  }
}
