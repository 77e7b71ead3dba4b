package dev.farewell.benchmarks;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The page of the filter figure: a back-office list of orders of about 50 KB in UTF-8 (a head
 * with metadata, a style sheet and scripts, a navigation bar, a table of orders with names outside
 * ASCII, a footer). {@code /orders} writes it through {@code getWriter()} one line at a time, as a
 * template engine renders a page; {@code /orders-bytes} writes its UTF-8 bytes through {@code
 * getOutputStream()} 8 KiB at a time, as a cached or static page is served. {@code /login} only
 * makes the visitor's {@code HttpSession}.
 */
final class OrdersPageServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  static final int PAGE_BYTES = 50 * 1024;
  static final List<String> LINES = lines();
  private static final byte[] BYTES = page().getBytes(StandardCharsets.UTF_8);
  private static final int WRITE_BYTES = 8 * 1024;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if ("/login".equals(request.getPathInfo())) {
      request.getSession(true);
      response.setStatus(HttpServletResponse.SC_NO_CONTENT);
      return;
    }
    response.setContentType("text/html;charset=UTF-8");
    if ("/orders-bytes".equals(request.getPathInfo())) {
      OutputStream out = response.getOutputStream();
      for (int at = 0; at < BYTES.length; at += WRITE_BYTES) {
        out.write(BYTES, at, Math.min(WRITE_BYTES, BYTES.length - at));
      }
      return;
    }
    PrintWriter out = response.getWriter();
    for (String line : LINES) {
      out.write(line);
    }
  }

  /** The whole page, as the servlet writes it. */
  static String page() {
    return String.join("", LINES);
  }

  private static List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add("<!doctype html>\n");
    lines.add("<html lang=\"de\">\n");
    lines.add("<head>\n");
    lines.add("  <meta charset=\"utf-8\">\n");
    lines.add("  <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    lines.add("  <meta name=\"csrf-token\" content=\"3q2+7wAAAAB0aGlzIGlzIGEgdG9rZW4\">\n");
    lines.add("  <title>Bestellungen \u2013 Kundenportal</title>\n");
    lines.add("  <link rel=\"icon\" href=\"/static/favicon.ico\">\n");
    lines.add("  <link rel=\"stylesheet\" href=\"/static/app.4f9c1e.css\">\n");
    lines.add("  <style>\n");
    for (String rule : new String[] {"body", "header", "nav a", "main", "table", "th", "td",
        "td.num", "tr:nth-child(even)", "footer", ".badge", ".badge.open", ".badge.paid"}) {
      lines.add("    " + rule + " { margin: 0; padding: .25rem .5rem; font: 14px/1.4 system-ui,"
          + " sans-serif; color: #222; }\n");
    }
    lines.add("  </style>\n");
    lines.add("  <script src=\"/static/app.81d2aa.js\" defer></script>\n");
    lines.add("  <script>window.APP = {user: \"m.mueller\", locale: \"de-DE\"};</script>\n");
    lines.add("</head>\n");
    lines.add("<body class=\"orders\">\n");
    lines.add("<header><nav>\n");
    for (String item : new String[] {"\u00dcbersicht", "Bestellungen", "Kunden", "Artikel",
        "Rechnungen", "Einstellungen", "Abmelden"}) {
      lines.add("  <a href=\"/" + item.toLowerCase(Locale.ROOT) + "\">" + item + "</a>\n");
    }
    lines.add("</nav></header>\n");
    lines.add("<main>\n<h1>Bestellungen</h1>\n<table>\n");
    lines.add("<thead><tr><th>Nr.</th><th>Kunde</th><th>Datum</th><th>Betrag</th><th>Status</th>"
        + "<th></th></tr></thead>\n<tbody>\n");
    String[] customers = {"Zo\u00eb M\u00fcller", "J\u00fcrgen Wei\u00df",
        "Ana\u00efs Lef\u00e8vre", "Bj\u00f6rn \u00c5ngstr\u00f6m", "Mar\u00eda Pe\u00f1a",
        "Chlo\u00e9 Dupont"};
    String footer = "</tbody>\n</table>\n</main>\n<footer><p>\u00a9 2026 Beispiel GmbH \u00b7 "
        + "<a href=\"/impressum\">Impressum</a> \u00b7 <a href=\"/datenschutz\">Datenschutz</a>"
        + "</p></footer>\n</body>\n</html>\n";
    int bytes = utf8Length(lines) + utf8Length(List.of(footer));
    for (int order = 10_001; bytes < PAGE_BYTES; order++) {
      String line = String.format(Locale.ROOT,
          "<tr><td>%d</td><td>%s</td><td>2026-11-%02d</td><td class=\"num\">%d,%02d\u00a0\u20ac"
              + "</td><td><span class=\"badge %s\">%s</span></td><td><a href=\"/orders/%d\">"
              + "\u00d6ffnen</a></td></tr>\n",
          order, customers[order % customers.length], 1 + order % 30, order % 997, order % 100,
          order % 3 == 0 ? "open" : "paid", order % 3 == 0 ? "offen" : "bezahlt", order);
      lines.add(line);
      bytes += line.getBytes(StandardCharsets.UTF_8).length;
    }
    lines.add(footer);
    return List.copyOf(lines);
  }

  private static int utf8Length(List<String> lines) {
    return String.join("", lines).getBytes(StandardCharsets.UTF_8).length;
  }
}
