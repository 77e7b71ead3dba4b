package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import org.apache.catalina.startup.Tomcat;
import org.apache.jasper.servlet.JasperInitializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JSP tag {@code <farewell:script/>} (META-INF/farewell.tld), rendered by a real JSP engine:
 * embedded Tomcat with Jasper, which finds the tag library in a jar of the application's
 * WEB-INF/lib.
 */
class JspScriptTagTest {

  private static final Pattern TAG = Pattern.compile("<script src=\"/farewell/farewell\\.js\""
      + " data-token=\"([A-Za-z0-9_.-]+)\" integrity=\"sha384-[A-Za-z0-9+/=]+\""
      + " data-endpoint=\"/farewell/beacon\"( nonce=\"[^\"]*\")? defer></script>");

  private final Farewell farewell = Farewell.newBuilder().build();
  private final OkHttpClient http =
      new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(30)).build();
  private final TomcatContainer tomcat = new TomcatContainer();
  private Browser browser;

  @BeforeEach
  void start() throws Exception {
    Path base = Files.createTempDirectory("farewell-jsp");
    Path pages = Files.createDirectories(base.resolve("pages"));
    String taglib = "<%@ taglib prefix=\"farewell\" uri=\"https://farewell.dev/jsp\" %>";
    Files.writeString(pages.resolve("tagged.jsp"),
        taglib + "<!doctype html><title>tagged</title><farewell:script/><p>hello</p>");
    Files.writeString(pages.resolve("nonce.jsp"),
        taglib + "<farewell:script nonce=\"${param.nonce}\"/>");
    Files.writeString(pages.resolve("policy.jsp"),
        taglib + "<% response.setHeader(\"Content-Security-Policy\","
            + " \"default-src 'self'; script-src 'nonce-fr0mP0l1cy'\"); %><farewell:script/>");
    Files.writeString(pages.resolve("plain.jsp"),
        "<!doctype html><title>plain</title><p>no tag here</p>");
    libraryJar(Files.createDirectories(pages.resolve("WEB-INF/lib")).resolve("farewell.jar"));

    FarewellServlet servlet = FarewellServlet.newBuilder(farewell).build();
    URI uri = tomcat.start(pages, context -> {
      Tomcat.initWebappDefaults(context);
      context.addServletContainerInitializer(new JasperInitializer(), null);
      context.addServletContainerInitializer(new TestApplication(servlet), null);
    });
    browser = new Browser(uri, http);
  }

  /**
   * The tag library's files as farewell-servlet's jar carries them, in the application's
   * WEB-INF/lib (the classes stay on the class path): Jasper finds a tag file only in a jar.
   */
  private static void libraryJar(Path jar) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (String name : List.of("META-INF/farewell.tld", "META-INF/tags/farewell/script.tag")) {
        try (InputStream in = JspScriptTagTest.class.getClassLoader().getResourceAsStream(name)) {
          assertThat(in).as(name).isNotNull();
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
    farewell.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Test
  void aPageWithTheTagCarriesTheScriptElementWithATokenTheBeaconEndpointAccepts() {
    Browser.Answer page = browser.get("/tagged.jsp", Map.of());

    assertThat(page.code()).isEqualTo(200);
    Matcher tag = TAG.matcher(page.body());
    assertThat(tag.find()).as("script element in %s", page.body()).isTrue();
    assertThat(tag.group(2)).isNull();
    assertThat(page.body()).contains("<title>tagged</title><script ").contains("></script><p>hello");
    String key = browser.sessionKey();
    assertThat(key).as("the session is tracked once the tag is rendered").isNotNull();

    Browser.Answer open = browser.beacon(BeaconEndpointContract.message(
        "open", tag.group(1), UUID.randomUUID().toString(), 1, false));
    assertThat(open.code()).as(open.body()).isEqualTo(200);
  }

  @Test
  void aPageWithoutTheTagDoesNotTrackItsSession() {
    Browser.Answer page = browser.get("/plain.jsp", Map.of());

    assertThat(page.code()).isEqualTo(200);
    assertThat(page.body()).doesNotContain("<script");
    assertThat(browser.get("/app/key", Map.of()).code())
        .as("the JSP made an HttpSession, but no Farewell session").isEqualTo(404);
  }

  @Test
  void theNonceAttributeIsPutOnTheScriptElement() {
    String body = browser.get("/nonce.jsp?nonce=r4nd0m%2B%2F%3D", Map.of()).body();

    Matcher tag = TAG.matcher(body);
    assertThat(tag.find()).as(body).isTrue();
    assertThat(tag.group(2)).isEqualTo(" nonce=\"r4nd0m+/=\"");
  }

  @Test
  void anEmptyNonceAttributeMeansNoNonce() {
    String body = browser.get("/nonce.jsp", Map.of()).body();

    Matcher tag = TAG.matcher(body);
    assertThat(tag.find()).as(body).isTrue();
    assertThat(tag.group(2)).isNull();
  }

  @Test
  void withoutTheAttributeTheNonceOfTheResponsesContentSecurityPolicyIsUsed() {
    Browser.Answer page = browser.get("/policy.jsp", Map.of());

    Matcher tag = TAG.matcher(page.body());
    assertThat(tag.find()).as(page.body()).isTrue();
    assertThat(tag.group(2)).isEqualTo(" nonce=\"fr0mP0l1cy\"");
  }

  @Test
  void aNonceThatCouldLeaveItsAttributeFailsThePageInsteadOfBeingPrinted() {
    Browser.Answer page = browser.get("/nonce.jsp?nonce=x%22%3E%3Cscript%3E", Map.of());

    assertThat(page.code()).isEqualTo(500);
    assertThat(page.body()).doesNotContain("x\"><script>");
  }
}
