package dev.farewell.okhttp;

import dev.farewell.Release;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A text with {@code ${variable}} places filled from a release: {@code sessionKey}, {@code
 * reason}, {@code releasedAt}, {@code idempotencyKey} and {@code attributes.NAME}. Each value is
 * encoded for where it goes (URL, JSON, form, header) before it is put in. Immutable.
 */
final class Template {
  private static final String ATTRIBUTE = "attributes.";

  private final String what;
  private final List<String> literals;
  private final List<String> variables;

  private Template(String what, List<String> literals, List<String> variables) {
    this.what = what;
    this.literals = literals;
    this.variables = variables;
  }

  /**
   * Parses {@code text}.
   *
   * @param what names the template in error messages ("url", "header X-User")
   * @throws IllegalArgumentException for an unclosed {@code ${} or an unknown variable
   */
  static Template parse(String what, String text) {
    List<String> literals = new ArrayList<>();
    List<String> variables = new ArrayList<>();
    int from = 0;
    while (true) {
      int start = text.indexOf("${", from);
      if (start < 0) {
        literals.add(text.substring(from));
        return new Template(what, List.copyOf(literals), List.copyOf(variables));
      }
      int end = text.indexOf('}', start + 2);
      if (end < 0) {
        throw new IllegalArgumentException(
            what + " has an unclosed ${ at index " + start + ": " + text);
      }
      String variable = text.substring(start + 2, end);
      if (!isKnown(variable)) {
        throw new IllegalArgumentException(
            what + " has an unknown variable ${" + variable + "}; known: ${sessionKey}, ${reason},"
                + " ${releasedAt}, ${idempotencyKey}, ${attributes.NAME}");
      }
      literals.add(text.substring(from, start));
      variables.add(variable);
      from = end + 1;
    }
  }

  private static boolean isKnown(String variable) {
    return switch (variable) {
      case "sessionKey", "reason", "releasedAt", "idempotencyKey" -> true;
      default -> variable.startsWith(ATTRIBUTE) && variable.length() > ATTRIBUTE.length();
    };
  }

  /** The template with every variable replaced by {@code x}, to check its shape at build time. */
  String sample() {
    StringBuilder out = new StringBuilder(literals.get(0));
    for (int i = 0; i < variables.size(); i++) {
      out.append('x').append(literals.get(i + 1));
    }
    return out.toString();
  }

  /**
   * Fills the template.
   *
   * @throws IllegalArgumentException if the release lacks an attribute the template names
   */
  String render(Release release, String idempotencyKey, UnaryOperator<String> encode) {
    StringBuilder out = new StringBuilder(literals.get(0));
    for (int i = 0; i < variables.size(); i++) {
      out.append(encode.apply(value(variables.get(i), release, idempotencyKey)));
      out.append(literals.get(i + 1));
    }
    return out.toString();
  }

  private String value(String variable, Release release, String idempotencyKey) {
    return switch (variable) {
      case "sessionKey" -> release.sessionKey();
      case "reason" -> release.reason().name();
      case "releasedAt" -> release.releasedAt().toString();
      case "idempotencyKey" -> idempotencyKey;
      default -> {
        String name = variable.substring(ATTRIBUTE.length());
        String value = release.attributes().get(name);
        if (value == null) {
          throw new IllegalArgumentException(
              "release of session " + release.sessionKey() + " has no attribute '" + name
                  + "' that the " + what + " template needs");
        }
        yield value;
      }
    };
  }
}
