package dev.farewell.servlet;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The drop-in's {@code farewell.sessionAttributes}: {@code HttpSession} attributes copied into the
 * session's release attributes each time a page gets the tag.
 */
final class CopiedAttributes {

  /** The release attribute naming the session attributes copied. */
  static final String COPIED = "farewell.sessionAttributes";
  /** The servlet context attribute holding the configured names, for tags pages print themselves. */
  static final String NAMES = "dev.farewell.servlet.sessionAttributes";

  private CopiedAttributes() {}

  /** The configured names' values for the request's session (empty when none are configured). */
  static Map<String, String> of(HttpServletRequest request) {
    ServletContext context = request.getServletContext();
    Object names = context == null ? null : context.getAttribute(NAMES);
    if (!(names instanceof List<?> list) || list.isEmpty()) {
      return Map.of();
    }
    return of(request, list.stream().map(String::valueOf).toList());
  }

  /**
   * The values of {@code names} that are set in the request's session, and {@link #COPIED}: never
   * empty when names are given (an empty map would keep the earlier copy), so that a session whose
   * attributes were all removed (the application logged it out of its identity server) replaces
   * what was copied before.
   */
  static Map<String, String> of(HttpServletRequest request, List<String> names) {
    if (names.isEmpty()) {
      return Map.of();
    }
    Map<String, String> attributes = new HashMap<>();
    attributes.put(COPIED, String.join(",", names));
    try {
      HttpSession session = request.getSession(false);
      if (session != null) {
        for (String name : names) {
          Object value = session.getAttribute(name);
          if (value != null) {
            attributes.put(name, String.valueOf(value));
          }
        }
      }
    } catch (IllegalStateException invalidated) {
      return Map.of(COPIED, String.join(",", names));
    }
    return attributes;
  }
}
