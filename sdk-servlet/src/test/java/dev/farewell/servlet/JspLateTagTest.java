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
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import org.apache.catalina.startup.Tomcat;
import org.apache.jasper.servlet.JasperInitializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The drop-in (filter on) and a JSP that prints {@code <farewell:script/>} where scripts
 * often go, at the end of its body. docs/zero-code.md: a page whose application called scriptTag
 * "anywhere in the page, even at the end of <body>" gets no second tag.
 */
class JspLateTagTest {

  private static final String TAGLIB =
      "<%@ taglib prefix=\"farewell\" uri=\"https://farewell.dev/jsp\" %>";

  private final OkHttpClient http =
      new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(30)).build();
  private final TomcatContainer tomcat = new TomcatContainer();

  @AfterEach
  void stop() throws Exception {
    tomcat.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Test
  void aJspWithTheTagAtTheEndOfItsBodyGetsOneTag() throws Exception {
    Path pages = Files.createDirectories(Files.createTempDirectory("farewell-jsp").resolve("pages"));
    Files.writeString(pages.resolve("end.jsp"), TAGLIB
        + "<!doctype html><html><head><title>t</title></head><body><p>hello</p>"
        + "<farewell:script/></body></html>");
    // the same page with a body longer than the JSP writer's 8 KB buffer before the tag
    Files.writeString(pages.resolve("long.jsp"), TAGLIB
        + "<!doctype html><html><head><title>t</title></head><body>"
        + "<p>a line of the page's body</p>\n".repeat(400)
        + "<farewell:script/></body></html>");
    Files.writeString(pages.resolve("login.jsp"), "<% session.setAttribute(\"u\", \"1\"); %>ok");
    libraryJar(Files.createDirectories(pages.resolve("WEB-INF/lib")).resolve("farewell.jar"));
    URI base = tomcat.start(pages, context -> {
      Tomcat.initWebappDefaults(context);
      context.addParameter("farewell.secret", DropInTest.SECRET);
      context.addServletContainerInitializer(new JasperInitializer(), null);
      context.addServletContainerInitializer(new FarewellInitializer(), null);
    });
    Browser browser = new Browser(base, http);
    assertThat(browser.get("/login.jsp", Map.of()).code()).isEqualTo(200);
    assertThat(count(browser.get("/end.jsp", Map.of()).body())).isEqualTo(1);
    String html = browser.get("/long.jsp", Map.of()).body();
    assertThat(count(html)).as(html.substring(0, 700)).isEqualTo(1);
  }

  private static int count(String html) {
    Matcher scripts = Pattern.compile("<script src=\"[^\"]*farewell\\.js\"").matcher(html);
    int count = 0;
    while (scripts.find()) {
      count++;
    }
    return count;
  }

  private static void libraryJar(Path jar) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (String name : List.of("META-INF/farewell.tld", "META-INF/tags/farewell/script.tag")) {
        try (InputStream in =
            JspLateTagTest.class.getClassLoader().getResourceAsStream(name)) {
          out.putNextEntry(new JarEntry(name));
          in.transferTo(out);
          out.closeEntry();
        }
      }
    }
  }
}
