package dev.farewell.spring.boot;

import static java.util.Objects.requireNonNull;

import dev.farewell.servlet.FarewellServlet;
import java.util.Set;
import org.thymeleaf.dialect.AbstractProcessorDialect;
import org.thymeleaf.processor.IProcessor;
import org.thymeleaf.standard.StandardDialect;
import org.thymeleaf.standard.processor.StandardXmlNsTagProcessor;
import org.thymeleaf.templatemode.TemplateMode;

/**
 * The Thymeleaf dialect {@code farewell}: {@code <farewell:script/>} prints the {@code <script>}
 * element that starts the snippet, with the page's token; the session is tracked only when a
 * template renders it. Registered with Spring Boot's template engine when Thymeleaf is on the
 * class path; an application bean of this type replaces it.
 *
 * <pre>{@code
 * <html xmlns:farewell="https://farewell.dev/thymeleaf">
 * ...
 * <farewell:script/>                          <!-- CSP nonce: the response's policy's, if any -->
 * <farewell:script nonce="${cspNonce}"/>      <!-- CSP nonce: given (an expression) -->
 * }</pre>
 *
 * <p>The nonce: the {@code nonce} attribute, a Thymeleaf expression, when it gives a non-empty
 * value; else the nonce of the {@code Content-Security-Policy} header already set on the response
 * ({@link FarewellServlet#scriptTag(jakarta.servlet.http.HttpServletRequest,
 * jakarta.servlet.http.HttpServletResponse)}); else none. A template rendered outside a servlet
 * request (an e-mail, say) fails on the element with a {@code TemplateProcessingException}.
 * Immutable and thread-safe.
 */
public final class FarewellDialect extends AbstractProcessorDialect {

  /** The dialect's prefix: {@value}. */
  public static final String PREFIX = "farewell";

  private final FarewellServlet servlet;

  /**
   * Creates the dialect for the pages of {@code servlet}.
   *
   * @throws NullPointerException if {@code servlet} is null
   */
  public FarewellDialect(FarewellServlet servlet) {
    super("Farewell", PREFIX, StandardDialect.PROCESSOR_PRECEDENCE);
    this.servlet = requireNonNull(servlet, "servlet");
  }

  @Override
  public Set<IProcessor> getProcessors(String dialectPrefix) {
    return Set.of(
        new ScriptElementProcessor(dialectPrefix, servlet),
        // drops xmlns:farewell from the page, as the standard dialect drops xmlns:th
        new StandardXmlNsTagProcessor(TemplateMode.HTML, dialectPrefix));
  }
}
