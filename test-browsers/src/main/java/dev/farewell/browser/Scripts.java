package dev.farewell.browser;

/**
 * Turns the snippets of JavaScript the tests evaluate ({@code "a(); b(); true"}) into a function
 * body that returns the value of the last statement, for protocols that run functions (BiDi's
 * {@code script.callFunction}, WebDriver's execute). No eval, so a strict CSP does not refuse it.
 */
final class Scripts {

  private Scripts() {}

  /** The statements of {@code code} with a {@code return} before the last one. */
  static String body(String code) {
    String trimmed = code.strip();
    while (trimmed.endsWith(";")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1).strip();
    }
    int last = lastTopLevelSemicolon(trimmed);
    String head = last < 0 ? "" : trimmed.substring(0, last + 1) + " ";
    String tail = trimmed.substring(last + 1).strip();
    return head + "return (" + tail + ");";
  }

  private static int lastTopLevelSemicolon(String code) {
    int depth = 0;
    int last = -1;
    char quote = 0;
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (c == ';' && depth == 0) {
        last = i;
      }
    }
    return last;
  }
}
