package com.example.seats;

import dev.farewell.servlet.FarewellServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Map;

/** {@code GET /login}: the form; {@code POST /login} with {@code user=…}: takes a seat. */
public final class LoginServlet extends HttpServlet {
  private final Seats seats;

  public LoginServlet(Seats seats) {
    this.seats = seats;
  }

  /** The login page: no script tag here, there is no session to watch yet. */
  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setContentType("text/html;charset=utf-8");
    response.getWriter().print("<!doctype html><title>Log in</title><form method=post>"
        + "<input name=user><button>Log in</button></form>");
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    HttpSession previous = request.getSession(false);
    if (previous != null && previous.getAttribute("user") != null) {
      previous.invalidate();   // another login in this browser: the first one ends, its seat frees
    }
    String user = request.getParameter("user");
    if (user == null || user.isBlank() || !seats.take(user)) {
      response.sendError(HttpServletResponse.SC_CONFLICT, "All seats are taken");
      return;
    }
    request.getSession().setAttribute("user", user);
    request.changeSessionId();
    // Watch the session from now on: if no page with the tag ever opens, the seat frees itself.
    FarewellServlet.from(getServletContext()).track(request, Map.of("user", user));
    response.sendRedirect(request.getContextPath() + "/app");
  }
}
