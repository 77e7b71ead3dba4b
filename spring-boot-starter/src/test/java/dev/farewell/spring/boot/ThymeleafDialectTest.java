package dev.farewell.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.servlet.FarewellServlet;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * {@code <farewell:script/>} ({@link FarewellDialect}) in Thymeleaf templates that Spring Boot's
 * own template engine renders, in a real Tomcat.
 */
@SpringBootTest(
    classes = ThymeleafDialectTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "farewell.token.secret=a-test-secret-of-at-least-32-bytes!!")
class ThymeleafDialectTest {

  private static final Pattern TAG = Pattern.compile("<script src=\"/farewell/farewell\\.js\""
      + " data-token=\"([A-Za-z0-9_.-]+)\" integrity=\"sha384-[A-Za-z0-9+/=]+\""
      + " data-endpoint=\"/farewell/beacon\"( nonce=\"[^\"]*\")? defer></script>");

  @Value("${local.server.port}")
  int port;

  @Test
  void aTemplateWithTheElementCarriesTheScriptWithATokenTheBeaconEndpointAccepts() {
    Browser browser = new Browser(port);
    HttpResponse<String> page = browser.get("/thymeleaf/farewell-tagged");

    assertThat(page.statusCode()).isEqualTo(200);
    Matcher tag = TAG.matcher(page.body());
    assertThat(tag.find()).as("script element in %s", page.body()).isTrue();
    assertThat(tag.group(2)).isNull();
    assertThat(page.body()).contains("<title>tagged</title><script ").contains("<p>hello</p>")
        .doesNotContain("farewell:").doesNotContain("xmlns:farewell");
    String key = browser.get("/key").body();
    assertThat(key).as("the session is tracked once the element is rendered").isNotEmpty();

    assertThat(browser.signal(new Browser.Page("page-0001", tag.group(1), key), "open"))
        .isEqualTo(200);
  }

  @Test
  void aTemplateWithoutTheElementDoesNotTrackItsSession() {
    Browser browser = new Browser(port);
    HttpResponse<String> page = browser.get("/thymeleaf/farewell-plain");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<p>no tag here</p>").doesNotContain("<script");
    assertThat(browser.get("/key").body())
        .as("the page made an HttpSession, but no Farewell session").isEmpty();
  }

  @Test
  void theNonceAttributeIsAnExpressionWhoseValueIsPutOnTheScriptElement() {
    String body = new Browser(port).get("/thymeleaf/farewell-nonce?nonce=r4nd0m%2B%2F%3D").body();

    Matcher tag = TAG.matcher(body);
    assertThat(tag.find()).as(body).isTrue();
    assertThat(tag.group(2)).isEqualTo(" nonce=\"r4nd0m+/=\"");
  }

  @Test
  void withoutANonceTheOneOfTheResponsesContentSecurityPolicyIsUsed() {
    String body = new Browser(port).get("/thymeleaf/farewell-nonce?policy="
        + "default-src%20'self';%20script-src%20'nonce-fr0mP0l1cy'").body();

    Matcher tag = TAG.matcher(body);
    assertThat(tag.find()).as(body).isTrue();
    assertThat(tag.group(2)).isEqualTo(" nonce=\"fr0mP0l1cy\"");
  }

  @Test
  void aNonceThatCouldLeaveItsAttributeFailsThePageInsteadOfBeingPrinted() {
    HttpResponse<String> page =
        new Browser(port).get("/thymeleaf/farewell-nonce?nonce=x%22%3E%3Cscript%3E");

    assertThat(page.statusCode()).isEqualTo(500);
    assertThat(page.body()).doesNotContain("x\"><script>");
  }

  /** An application whose pages anyone may see: the tag, not a login, starts the tracking. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(Pages.class)
  static class App {

    @Bean
    SecurityFilterChain anyoneMaySee(HttpSecurity http) throws Exception {
      http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
      return http.build();
    }
  }

  @Controller
  static class Pages {

    private static final Set<String> VIEWS =
        Set.of("farewell-tagged", "farewell-nonce", "farewell-plain");

    private final FarewellServlet farewell;

    Pages(FarewellServlet farewell) {
      this.farewell = farewell;
    }

    @GetMapping("/thymeleaf/{view}")
    String page(@PathVariable("view") String view,
        @RequestParam(name = "nonce", required = false) String nonce,
        @RequestParam(name = "policy", required = false) String policy, Model model,
        HttpSession session,
        HttpServletResponse response) {
      if (!VIEWS.contains(view)) {
        throw new IllegalArgumentException("no such view: " + view);
      }
      if (policy != null) {
        response.setHeader("Content-Security-Policy", policy);
      }
      model.addAttribute("cspNonce", nonce);
      return view;
    }

    @GetMapping("/key")
    @ResponseBody
    String key(HttpSession session) {
      return farewell.sessionKey(session).orElse("");
    }
  }
}
