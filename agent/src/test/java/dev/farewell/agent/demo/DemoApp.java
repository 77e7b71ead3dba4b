package dev.farewell.agent.demo;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo application, with no Farewell code: a login, two pages, a logout, and an {@code
 * HttpSessionListener} that counts invalidated sessions per user (as an application frees a
 * seat). The tests copy these classes into a WAR, rewritten to javax.servlet for Tomcat 9.
 */
public final class DemoApp {

  /** Invalidated sessions by their {@code user} attribute ("" for none). */
  static final Map<String, AtomicInteger> invalidated = new ConcurrentHashMap<>();

  private DemoApp() {}

  /** Counts destroyed sessions, by user. */
  public static final class Seats implements HttpSessionListener {
    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
      Object user = event.getSession().getAttribute("user");
      invalidated.computeIfAbsent(user == null ? "" : user.toString(), u -> new AtomicInteger())
          .incrementAndGet();
    }
  }

  /**
   * {@code /login}: a form whose post takes a seat and goes to {@code /home}; {@code
   * /login?user=NAME} takes it at once.
   */
  public static final class Login extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      if (request.getParameter("user") == null) {
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write("<!doctype html><html><head><title>Log in</title></head><body>"
            + "<form method=\"post\" action=\"login\"><input name=\"user\">"
            + "<button>Log in</button></form></body></html>");
        return;
      }
      request.getSession(true).setAttribute("user", request.getParameter("user"));
      response.setContentType("text/plain");
      response.getWriter().write("welcome");
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      request.getSession(true).setAttribute("user", request.getParameter("user"));
      response.sendRedirect("home");
    }
  }

  /** {@code /home}, {@code /other}: pages of the application. */
  public static final class Page extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/html;charset=UTF-8");
      response.getWriter().write("<!doctype html><html><head><title>Demo</title></head><body>"
          + "<a id=\"other\" href=\"other\">other</a></body></html>");
    }
  }

  /** {@code /logout}. */
  public static final class Logout extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
      HttpSession session = request.getSession(false);
      if (session != null) {
        session.invalidate();
      }
    }
  }

  /** {@code /count?user=NAME}: how many sessions of the user were invalidated; makes no session. */
  public static final class Count extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      AtomicInteger count = invalidated.get(String.valueOf(request.getParameter("user")));
      response.setContentType("text/plain");
      response.getWriter().write(Integer.toString(count == null ? 0 : count.get()));
    }
  }
}
