package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The drop-in as a WAR gets it: Tomcat 11 deploys a web application with only a {@code web.xml},
 * finds {@link FarewellInitializer} through farewell-servlet's {@code META-INF/services} on its
 * own, and the initializer reads its settings from the context parameters.
 */
class TomcatDropInTest {

  private final OkHttpClient http =
      new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();
  private Tomcat tomcat;

  private Browser deploy(String contextParameters) throws Exception {
    Path base = Files.createTempDirectory("farewell-war");
    Path webInf = Files.createDirectories(base.resolve("webapp/WEB-INF"));
    Files.writeString(webInf.resolve("web.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
        %s
        </web-app>
        """.formatted(contextParameters));
    tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addWebapp("", base.resolve("webapp").toString());
    // The test class path is not a WAR's WEB-INF/lib: scanning it for TLDs and fragments only
    // slows the start. Initializers are still found through META-INF/services.
    ((StandardJarScanner) context.getJarScanner()).setScanClassPath(false);
    tomcat.start();
    return new Browser(URI.create("http://127.0.0.1:" + connector.getLocalPort()), http);
  }

  @AfterEach
  void stop() throws Exception {
    if (tomcat != null) {
      tomcat.stop();
      tomcat.destroy();
    }
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Test
  void aWarWithASecretInItsWebXmlGetsTheEndpointWithNoCode() throws Exception {
    Browser browser = deploy("""
        <context-param>
          <param-name>farewell.secret</param-name>
          <param-value>%s</param-value>
        </context-param>""".formatted(DropInTest.SECRET));

    Browser.Answer snippet = browser.get("/farewell/farewell.js", Map.of());
    assertThat(snippet.code()).isEqualTo(200);
    assertThat(snippet.header("Content-Type")).startsWith("text/javascript");
    assertThat(browser.beacon("{}").code()).isEqualTo(400);
  }

  @Test
  void aWarWithoutASecretIsLeftAlone() throws Exception {
    Browser browser = deploy("");

    // farewell-js is also a resource jar (META-INF/resources), so the container's default
    // servlet may serve the file itself; the endpoint is what must be missing.
    Browser.Answer beacon = browser.beacon("{}");
    assertThat(beacon.code()).isNotEqualTo(400);
    assertThat(beacon.body()).doesNotContain("\"status\"");
  }
}
