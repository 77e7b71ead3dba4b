package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.apache.catalina.startup.Tomcat;
import org.apache.jasper.servlet.JasperInitializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Review probes of the JSP tag {@code <farewell:script/>} in a real Tomcat with Jasper, with the
 * drop-in ({@link FarewellInitializer}) registering Farewell.
 */
class JspScriptTagDropInTest {

  private static final String TAGLIB =
      "<%@ taglib prefix=\"farewell\" uri=\"https://farewell.dev/jsp\" %>";

  private final OkHttpClient http =
      new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(30)).build();
  private final TomcatContainer tomcat = new TomcatContainer();

  private URI start(Map<String, String> contextParameters) throws Exception {
    Path pages = Files.createDirectories(Files.createTempDirectory("farewell-jsp").resolve("pages"));
    Files.writeString(pages.resolve("tagged.jsp"),
        TAGLIB + "<!doctype html><title>tagged</title><farewell:script/><p>hello</p>");
    Files.writeString(pages.resolve("ticket.jsp"),
        "<% session.setAttribute(\"ticket\", request.getParameter(\"ticket\")); %>ok");
    Files.writeString(pages.resolve("twopolicies.jsp"),
        TAGLIB + "<% response.addHeader(\"Content-Security-Policy\", \"frame-ancestors 'none'\");"
            + " response.addHeader(\"Content-Security-Policy\","
            + " \"script-src 'nonce-s3c0nd'\"); %><farewell:script/>");
    // the tag where scripts often go, at the end of a body longer than the JSP writer's 8 KB
    // buffer: the head went out with the filter's tag before the page asks for its own
    Files.writeString(pages.resolve("late.jsp"), TAGLIB
        + "<!doctype html><html><head><title>t</title></head><body>"
        + "<p>a line of the page's body</p>\n".repeat(400)
        + "<farewell:script/></body></html>");
    libraryJar(Files.createDirectories(pages.resolve("WEB-INF/lib")).resolve("farewell.jar"));
    return tomcat.start(pages, context -> {
      Tomcat.initWebappDefaults(context);
      contextParameters.forEach(context::addParameter);
      context.addServletContainerInitializer(new JasperInitializer(), null);
      context.addServletContainerInitializer(new FarewellInitializer(), null);
    });
  }

  private static void libraryJar(Path jar) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (String name : List.of("META-INF/farewell.tld", "META-INF/tags/farewell/script.tag")) {
        try (InputStream in =
            JspScriptTagDropInTest.class.getClassLoader().getResourceAsStream(name)) {
          out.putNextEntry(new JarEntry(name));
          in.transferTo(out);
          out.closeEntry();
        }
      }
    }
  }

  @AfterEach
  void stop() throws Exception {
    tomcat.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  /**
   * docs/zero-code.md: without the filter (farewell.inject=false) a page prints the tag itself
   * with {@code <farewell:script/>}; farewell.sessionAttributes are "copied into the release's
   * attributes when a page gets the tag". The tag copies nothing, so the logout URL is never
   * called.
   */
  @Test
  void withoutTheFilterTheJspTagCopiesTheSessionAttributesTheLogoutUrlNeeds() throws Exception {
    exitCallsTheLogoutUrlWithTheTicket("false");
  }

  /** Same with the filter on: a page that prints the tag itself is skipped by the filter. */
  @Test
  void withTheFilterAPageWithTheJspTagCopiesTheSessionAttributesTheLogoutUrlNeeds()
      throws Exception {
    exitCallsTheLogoutUrlWithTheTicket("true");
  }

  private void exitCallsTheLogoutUrlWithTheTicket(String inject) throws Exception {
    try (MockWebServer sso = new MockWebServer()) {
      sso.start();
      Browser browser = new Browser(start(Map.of(
          "farewell.secret", DropInTest.SECRET,
          "farewell.inject", inject,
          "farewell.exitGrace", "300ms",
          "farewell.sessionAttributes", "ticket",
          "farewell.logoutUrl", sso.url("/logout").toString() + "?ticket=${attributes.ticket}")),
          http);
      assertThat(browser.get("/ticket.jsp?ticket=ST-1", Map.of()).code()).isEqualTo(200);
      String html = browser.get("/tagged.jsp", Map.of()).body();
      assertThat(html).contains("data-token=\"");
      String token = html.replaceAll("(?s).*data-token=\"([^\"]+)\".*", "$1");
      String page = UUID.randomUUID().toString();

      assertThat(browser.beacon(BeaconEndpointContract.message("open", token, page, 1, false))
          .code()).isEqualTo(200);
      assertThat(browser.beacon(BeaconEndpointContract.message("exit", token, page, 2, null))
          .code()).isEqualTo(200);

      RecordedRequest logout = sso.takeRequest(5, TimeUnit.SECONDS);
      assertThat(logout == null ? null : logout.getTarget())
          .as("the identity server's logout at EXIT of a session whose HttpSession holds a ticket")
          .isEqualTo("/logout?ticket=ST-1");
    }
  }

  /**
   * With the filter on, a page that prints {@code <farewell:script/>} at the end of a long body
   * (after its head went out with the filter's tag) carries one tag, with that tag's token.
   */
  @Test
  void aLongPageWithTheJspTagAtTheEndOfItsBodyCarriesOneTag() throws Exception {
    Browser browser = new Browser(start(Map.of("farewell.secret", DropInTest.SECRET)), http);
    assertThat(browser.get("/ticket.jsp?ticket=ST-1", Map.of()).code()).isEqualTo(200);
    String html = browser.get("/late.jsp", Map.of()).body();

    assertThat(FilteredApplication.tags(html)).as(html.substring(0, 700)).isEqualTo(1);
    assertThat(html.indexOf("data-token=\"")).isLessThan(html.indexOf("<body>"));
  }

  /**
   * Two Content-Security-Policy headers are both enforced: the script element must carry the
   * nonce of the one whose script-src has it, not only look at the first header.
   */
  @Test
  void theNonceOfASecondContentSecurityPolicyHeaderIsUsed() throws Exception {
    Browser browser = new Browser(start(Map.of("farewell.secret", DropInTest.SECRET,
        "farewell.inject", "false")), http);
    String body = browser.get("/twopolicies.jsp", Map.of()).body();

    assertThat(body).contains("data-token=\"").contains(" nonce=\"s3c0nd\"");
  }
}
