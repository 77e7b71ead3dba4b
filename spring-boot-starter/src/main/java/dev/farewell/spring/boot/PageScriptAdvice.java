package dev.farewell.spring.boot;

import dev.farewell.servlet.FarewellServlet;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Adds the {@code farewellScript} model attribute to every controller's model. */
@ControllerAdvice
final class PageScriptAdvice {

  private final FarewellServlet servlet;

  PageScriptAdvice(FarewellServlet servlet) {
    this.servlet = servlet;
  }

  @ModelAttribute(FarewellPageScript.MODEL_ATTRIBUTE)
  FarewellPageScript farewellScript(HttpServletRequest request) {
    return new FarewellPageScript(servlet, request);
  }
}
