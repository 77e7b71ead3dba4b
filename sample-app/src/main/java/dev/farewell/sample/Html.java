package dev.farewell.sample;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The demo's HTML: escaping and the page frame. */
final class Html {

  private Html() {}

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<':
          out.append("&lt;");
          break;
        case '>':
          out.append("&gt;");
          break;
        case '&':
          out.append("&amp;");
          break;
        case '"':
          out.append("&quot;");
          break;
        case '\'':
          out.append("&#39;");
          break;
        default:
          out.append(c);
      }
    }
    return out.toString();
  }

  static void send(HttpServletResponse response, int status, String title, String body)
      throws IOException {
    response.setStatus(status);
    response.setContentType("text/html;charset=utf-8");
    response
        .getWriter()
        .write(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>"
                + escape(title)
                + " · Farewell demo</title>"
                + "<link rel=\"stylesheet\" href=\"/static/demo.css\"></head>\n<body>\n"
                + "<header><a href=\"/\">Farewell demo</a> <a href=\"/dashboard\">dashboard</a>"
                + "</header>\n<main>\n"
                + body
                + "\n</main>\n</body></html>\n");
  }
}
