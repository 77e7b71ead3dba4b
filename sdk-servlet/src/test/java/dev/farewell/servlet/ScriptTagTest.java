package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The script tag as a page gets it, in real Jetty: plain, and with a CSP nonce. */
class ScriptTagTest {

  private final Farewell farewell = Farewell.newBuilder().build();
  private final JettyContainer jetty = new JettyContainer();
  private final OkHttpClient http =
      new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();
  private Browser browser;

  @BeforeEach
  void start() throws Exception {
    browser = new Browser(
        jetty.start(new TestApplication(FarewellServlet.newBuilder(farewell).build())), http);
  }

  @AfterEach
  void stop() throws Exception {
    jetty.close();
    farewell.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Test
  void theTagLoadsTheSnippetWithItsTokenAndIntegrityAndDefers() {
    String tag = browser.get("/app/tag", Map.of()).body();

    assertThat(tag).matches("<script src=\"/farewell/farewell\\.js\" data-token=\"[A-Za-z0-9_.-]+\""
        + " integrity=\"sha384-[A-Za-z0-9+/=]+\" data-endpoint=\"/farewell/beacon\" defer></script>");
  }

  @Test
  void theTagCarriesTheCspNonceItIsGiven() {
    String tag = browser.get("/app/tag?nonce=r4nd0m%2B%2F%3D", Map.of()).body();

    assertThat(tag).endsWith(" nonce=\"r4nd0m+/=\" defer></script>");
  }

  @Test
  void aNonceThatCouldLeaveItsAttributeIsRefusedWithTheReason() {
    String nonce = "x\"><script>alert(1)</script>";
    Browser.Answer answer = browser.get(
        "/app/tag?nonce=" + URLEncoder.encode(nonce, StandardCharsets.UTF_8), Map.of());

    assertThat(answer.code()).isEqualTo(400);
    assertThat(answer.body()).isEqualTo(
        "cspNonce must be base64 characters ([A-Za-z0-9+/=_-]), was \"" + nonce + "\"");
  }
}
