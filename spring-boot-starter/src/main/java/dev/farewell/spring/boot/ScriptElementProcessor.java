package dev.farewell.spring.boot;

import dev.farewell.servlet.FarewellServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.thymeleaf.context.ITemplateContext;
import org.thymeleaf.context.IWebContext;
import org.thymeleaf.exceptions.TemplateProcessingException;
import org.thymeleaf.model.IProcessableElementTag;
import org.thymeleaf.processor.element.AbstractElementTagProcessor;
import org.thymeleaf.processor.element.IElementTagStructureHandler;
import org.thymeleaf.standard.expression.StandardExpressions;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.web.servlet.IServletWebExchange;

/** {@code <farewell:script/>}: replaced by the page's script element ({@link FarewellDialect}). */
final class ScriptElementProcessor extends AbstractElementTagProcessor {

  private static final String NONCE = "nonce";

  private final FarewellServlet servlet;

  ScriptElementProcessor(String dialectPrefix, FarewellServlet servlet) {
    super(TemplateMode.HTML, dialectPrefix, "script", true, null, false, 1000);
    this.servlet = servlet;
  }

  @Override
  protected void doProcess(
      ITemplateContext context, IProcessableElementTag tag, IElementTagStructureHandler structure) {
    if (!(context instanceof IWebContext web)
        || !(web.getExchange() instanceof IServletWebExchange exchange)
        || !(exchange.getNativeRequestObject() instanceof HttpServletRequest request)
        || !(exchange.getNativeResponseObject() instanceof HttpServletResponse response)) {
      throw new TemplateProcessingException(
          "<" + getDialectPrefix() + ":script/> needs a servlet request: the page token belongs"
              + " to the session of the request being served");
    }
    String nonce = nonce(context, tag);
    String element = nonce.isEmpty()
        ? servlet.scriptTag(request, response)
        : servlet.scriptTag(request, Map.of(), nonce);
    // Not processable: the element is Farewell's, with its values escaped already.
    structure.replaceWith(element, false);
  }

  /** The value of the {@code nonce} attribute's expression, or "" without one. */
  private static String nonce(ITemplateContext context, IProcessableElementTag tag) {
    String expression = tag.getAttributeValue(NONCE);
    if (expression == null || expression.isBlank()) {
      return "";
    }
    Object value = StandardExpressions.getExpressionParser(context.getConfiguration())
        .parseExpression(context, expression)
        .execute(context);
    return value == null ? "" : value.toString();
  }
}
