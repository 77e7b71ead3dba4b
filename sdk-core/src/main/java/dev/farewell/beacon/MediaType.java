package dev.farewell.beacon;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** A parsed {@code Content-Type} header: the type and its parameters, names in lower case. */
final class MediaType {

  final String type;
  final Map<String, String> parameters;

  private MediaType(String type, Map<String, String> parameters) {
    this.type = type;
    this.parameters = parameters;
  }

  /** The media type of a request without a {@code Content-Type} header. */
  static final MediaType NONE = new MediaType("", Map.of());

  /** The types the snippet and browsers send, parsed once (the parse of each is its entry). */
  private static final Map<String, MediaType> COMMON = new java.util.HashMap<>();

  static {
    for (String header :
        new String[] {
          // (as sent, and as containers that know them spell them: Jetty lower-cases the charset)
          "text/plain;charset=UTF-8", "text/plain;charset=utf-8", "text/plain", "application/json",
          "application/json;charset=UTF-8", "application/json;charset=utf-8",
          "application/json; charset=utf-8", "application/x-www-form-urlencoded",
          "application/x-www-form-urlencoded;charset=UTF-8",
          "application/x-www-form-urlencoded;charset=utf-8"
        }) {
      COMMON.put(header, parsed(header));
    }
  }

  /** Parses a header; returns null when it is not a well-formed media type. */
  static MediaType parse(String header) {
    if (header == null) {
      return NONE;
    }
    MediaType common = COMMON.get(header);
    return (common != null) ? common : parsed(header);
  }

  private static MediaType parsed(String header) {
    if (header.length() > 512) {
      return null;
    }
    int semicolon = header.indexOf(';');
    String type = (semicolon < 0 ? header : header.substring(0, semicolon)).trim();
    if (type.isEmpty()) {
      return semicolon < 0 ? NONE : null;
    }
    Map<String, String> parameters = new HashMap<>();
    int i = semicolon;
    while (i >= 0 && i < header.length()) {
      int start = i + 1;
      int equals = header.indexOf('=', start);
      if (equals < 0) {
        if (header.substring(start).isBlank()) {
          break;
        }
        return null;
      }
      String name = header.substring(start, equals).trim().toLowerCase(Locale.ROOT);
      String value;
      int end;
      int valueStart = equals + 1;
      while (valueStart < header.length() && header.charAt(valueStart) == ' ') {
        valueStart++;
      }
      if (valueStart < header.length() && header.charAt(valueStart) == '"') {
        StringBuilder quoted = new StringBuilder();
        int j = valueStart + 1;
        while (j < header.length() && header.charAt(j) != '"') {
          char c = header.charAt(j);
          if (c == '\\' && j + 1 < header.length()) {
            c = header.charAt(++j);
          }
          quoted.append(c);
          j++;
        }
        if (j >= header.length()) {
          return null;
        }
        value = quoted.toString();
        end = header.indexOf(';', j);
        if (end >= 0 && !header.substring(j + 1, end).isBlank()
            || end < 0 && !header.substring(j + 1).isBlank()) {
          return null;
        }
      } else {
        end = header.indexOf(';', valueStart);
        value = (end < 0 ? header.substring(valueStart) : header.substring(valueStart, end)).trim();
      }
      if (name.isEmpty()) {
        return null;
      }
      parameters.putIfAbsent(name, value);
      i = end;
    }
    return new MediaType(type.toLowerCase(Locale.ROOT), Map.copyOf(parameters));
  }

  String parameter(String name) {
    return parameters.get(name);
  }
}
