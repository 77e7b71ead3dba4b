package com.example.seats;

import dev.farewell.servlet.FarewellServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.PrintWriter;

/** {@code GET /app}: a page of a logged-in user, with the script tag in its head. */
public final class AppServlet extends HttpServlet {

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    HttpSession session = request.getSession(false);
    Object user = session == null ? null : session.getAttribute("user");
    if (user == null) {
      response.sendRedirect(request.getContextPath() + "/login");
      return;
    }
    String tag = FarewellServlet.from(getServletContext()).scriptTag(request);
    response.setContentType("text/html;charset=utf-8");
    PrintWriter out = response.getWriter();
    out.print("<!doctype html><html><head><title>App</title>");
    out.print(tag);
    out.print("</head><body><p>Hello, " + escape(user.toString()) + ".</p>");
    out.print("<form method=post action=logout><button>Log out</button></form></body></html>");
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
