package dev.farewell.spring.boot;

import dev.farewell.servlet.FarewellServlet;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseBody;

/** The test applications' page: prints the {@code farewellScript} model attribute. */
@Controller
class TestPages {

  private final FarewellServlet farewell;

  TestPages(FarewellServlet farewell) {
    this.farewell = farewell;
  }

  @GetMapping("/page")
  @ResponseBody
  String page(Model model, HttpSession session, HttpServletResponse response) {
    String html = "<!doctype html><title>page</title>"
        + model.getAttribute(FarewellPageScript.MODEL_ATTRIBUTE);
    response.setHeader("X-Session-Key", farewell.sessionKey(session).orElse(""));
    return html;
  }

  @PostMapping("/page")
  @ResponseBody
  String post() {
    return "posted";
  }
}
