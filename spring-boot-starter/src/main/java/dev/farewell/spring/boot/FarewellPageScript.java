package dev.farewell.spring.boot;

import dev.farewell.servlet.FarewellServlet;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The {@code <script>} element that starts the snippet on a page, as the {@code farewellScript}
 * model attribute of every Spring MVC view. Lazy: the page token is issued (and the session
 * tracked) only when a view renders it, so controllers that render no page cost nothing.
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
      tag = servlet.scriptTag(request);
    }
    return tag;
  }

  /** Returns {@link #getTag()}, so a template can print the attribute itself. */
  @Override
  public String toString() {
    return getTag();
  }
}
