package dev.farewell.spring.boot;

import dev.farewell.servlet.FarewellServlet;
import jakarta.servlet.http.HttpServletRequest;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code <script>} element that starts the snippet on a page, as the {@code farewellScript}
 * model attribute of every Spring MVC view. Lazy: the page token is issued (and the session
 * tracked) only when a view renders it, so controllers that render no page cost nothing. Empty
 * for a page of a session whose login a release is ending.
 *
 * <pre>{@code
 * <th:block th:utext="${farewellScript}"></th:block>   <!-- Thymeleaf -->
 * ${farewellScript}                                     <!-- JSP -->
 * {{{farewellScript}}}                                  <!-- Mustache -->
 * }</pre>
 *
 * <p>In Thymeleaf, {@code <farewell:script/>} ({@link FarewellDialect}) does the same and can carry
 * a CSP nonce. Outside MVC views, call {@link FarewellServlet#scriptTag(HttpServletRequest)} on the
 * {@code FarewellServlet} bean. One instance serves one request; not thread-safe.
 */
public final class FarewellPageScript {

  private static final Logger logger = LoggerFactory.getLogger(FarewellPageScript.class);

  /** The name of the model attribute: {@value}. */
  public static final String MODEL_ATTRIBUTE = "farewellScript";

  private final FarewellServlet servlet;
  private final HttpServletRequest request;
  private String tag;

  FarewellPageScript(FarewellServlet servlet, HttpServletRequest request) {
    this.servlet = servlet;
    this.request = request;
  }

  /**
   * Returns the script element with the page's token, issuing the token on the first call.
   *
   * @see FarewellServlet#scriptTag(HttpServletRequest)
   */
  public String getTag() {
    if (tag == null) {
      tag = tagOrNone(() -> servlet.scriptTag(request));
    }
    return tag;
  }

  /**
   * The tag {@code issue} returns, or an empty string when the request's {@code HttpSession} is
   * invalidated or being invalidated (a release is ending its login): the page is served without
   * the snippet, as {@link dev.farewell.servlet.ScriptInjectionFilter} serves it, rather than
   * failing.
   */
  static String tagOrNone(Supplier<String> issue) {
    try {
      return issue.get();
    } catch (IllegalStateException ending) {
      logger.debug("Page served without the snippet: {}", ending.getMessage());
      return "";
    }
  }

  /** Returns {@link #getTag()}, so a template can print the attribute itself. */
  @Override
  public String toString() {
    return getTag();
  }
}
