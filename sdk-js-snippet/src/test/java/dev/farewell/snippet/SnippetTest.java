package dev.farewell.snippet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class SnippetTest {

  private static Path moduleDir() {
    return Path.of(System.getProperty("farewell.snippet.dir", "."));
  }

  @Test
  void theJarShipsTheCommittedMinifiedSnippet() throws IOException {
    byte[] committed = Files.readAllBytes(moduleDir().resolve("dist/farewell.min.js"));

    assertThat(Snippet.load().body()).isEqualTo(committed);
  }

  @Test
  void loadReturnsTheSameSnippetEveryTime() {
    assertThat(Snippet.load()).isSameAs(Snippet.load());
  }

  @Test
  void theBodyIsTheFarewellScriptInUtf8() {
    String script = new String(Snippet.load().body(), StandardCharsets.UTF_8);

    assertThat(script).contains("Farewell").contains("sendBeacon").contains("fetchLater");
    assertThat(script).doesNotContain("eval(");
  }

  @Test
  void integrityMatchesAnIndependentSha384OfTheCommittedFile() throws Exception {
    byte[] committed = Files.readAllBytes(moduleDir().resolve("dist/farewell.min.js"));
    String expected =
        "sha384-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-384").digest(committed));

    assertThat(Snippet.load().integrity()).isEqualTo(expected).hasSize("sha384-".length() + 64);
  }

  @Test
  void integrityOfAKnownBodyIsTheKnownValue() {
    // printf 'alert(1)' | openssl dgst -sha384 -binary | openssl base64 -A
    assertThat(Snippet.of("alert(1)".getBytes(StandardCharsets.UTF_8)).integrity())
        .isEqualTo("sha384-HT2E9NfWiuQ/w1PRai+hTyqW16NIoCGA/m8VQDUopfAtcz6YQjtsMmQd5uRbVDpW");
  }

  @Test
  void theGzippedBodyRoundTripsToTheBody() throws IOException {
    Snippet snippet = Snippet.load();

    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(snippet.gzippedBody()))) {
      assertThat(in.readAllBytes()).isEqualTo(snippet.body());
    }
    assertThat(snippet.gzippedBody().length).isLessThan(snippet.body().length);
  }

  @Test
  void theEtagIsAQuotedStrongContentHash() {
    assertThat(Snippet.load().etag()).matches("\"[0-9a-f]{32}\"");
  }

  @Test
  void theEtagIsStableForTheSameContentAndChangesWithIt() {
    byte[] body = Snippet.load().body();
    byte[] changed = body.clone();
    changed[changed.length - 2] ^= 1;

    assertThat(Snippet.of(body).etag()).isEqualTo(Snippet.load().etag());
    assertThat(Snippet.of(changed).etag()).isNotEqualTo(Snippet.load().etag());
  }

  @Test
  void theContentTypeIsJavaScriptInUtf8() {
    assertThat(Snippet.load().contentType()).isEqualTo("text/javascript; charset=utf-8");
  }

  @Test
  void callersGetCopiesTheyCannotUseToChangeTheSnippet() {
    Snippet snippet = Snippet.load();
    byte[] body = snippet.body();
    byte[] gzipped = snippet.gzippedBody();
    body[0] = 0;
    gzipped[10] = 0;

    assertThat(snippet.body()).isNotEqualTo(body);
    assertThat(snippet.gzippedBody()).isNotEqualTo(gzipped);
  }

  @Test
  void aClassPathWithoutTheSnippetIsAnIllegalState() throws IOException {
    try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
      assertThatThrownBy(() -> Snippet.load(empty))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("META-INF/resources/farewell/farewell.js");
    }
  }

  @Test
  void anEmptyScriptIsAnIllegalState() {
    assertThatThrownBy(() -> Snippet.of(new byte[0])).isInstanceOf(IllegalStateException.class);
  }
}
