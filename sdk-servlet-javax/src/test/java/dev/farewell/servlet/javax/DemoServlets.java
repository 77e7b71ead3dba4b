package dev.farewell.servlet.javax;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSessionEvent;
import javax.servlet.http.HttpSessionListener;

/** A javax.servlet application with no Farewell code: a login, a page, a session counter. */
final class DemoServlets {

  static final AtomicInteger destroyedSessions = new AtomicInteger();

  private DemoServlets() {}

  /** Counts destroyed {@code HttpSession}s, as an application frees a seat. */
  public static final class Seats implements HttpSessionListener {
    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
      destroyedSessions.incrementAndGet();
    }
  }

  /** Logs the user in: makes the {@code HttpSession}. */
  public static final class Login extends HttpServlet {
    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      request.getSession(true).setAttribute("user", request.getParameter("user"));
      response.setContentType("text/plain");
      response.getWriter().write("welcome");
    }
  }

  /** An HTML page of the application. */
  public static final class Page extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/html;charset=UTF-8");
      response.getWriter().write("<!doctype html><html><head><title>Home</title></head>"
          + "<body><a href=\"page\">again</a></body></html>");
    }
  }
}
