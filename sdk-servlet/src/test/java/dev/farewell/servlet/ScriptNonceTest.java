package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Review probes: the nonce of a Content-Security-Policy as a browser reads it (CSP Level 3:
 * directive names are ASCII case-insensitive and separated from their values by any ASCII
 * whitespace; {@code script-src-elem} governs script elements ahead of {@code script-src} and
 * {@code default-src}). A tag without the policy's nonce is blocked: the session tracked by the
 * tag is then released by the open timeout while its user reads the page.
 */
class ScriptNonceTest {

  @Test
  void aDirectiveNameIsCaseInsensitive() {
    assertThat(ScriptNonce.of("default-src 'self'; Script-Src 'nonce-abc123'"))
        .isEqualTo("abc123");
  }

  @Test
  void aTabSeparatesADirectiveNameFromItsValue() {
    assertThat(ScriptNonce.of("default-src 'self'; script-src\t'nonce-abc123'"))
        .isEqualTo("abc123");
  }

  @Test
  void scriptSrcElemIsTheDirectiveForScriptElements() {
    assertThat(ScriptNonce.of("default-src 'self'; script-src-elem 'nonce-abc123'"))
        .isEqualTo("abc123");
  }
}
