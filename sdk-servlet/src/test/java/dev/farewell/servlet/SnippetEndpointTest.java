package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SnippetEndpointTest {

  @Test
  void gzipIsAcceptedUnlessItsQualityIsZero() {
    assertThat(SnippetEndpoint.acceptsGzip("gzip, deflate, br")).isTrue();
    assertThat(SnippetEndpoint.acceptsGzip("br;q=1.0, gzip;q=0.8")).isTrue();
    assertThat(SnippetEndpoint.acceptsGzip("*")).isTrue();
    assertThat(SnippetEndpoint.acceptsGzip("gzip;q=0")).isFalse();
    assertThat(SnippetEndpoint.acceptsGzip("gzip; q=0.000")).isFalse();
    assertThat(SnippetEndpoint.acceptsGzip("*;q=0")).isFalse();
    assertThat(SnippetEndpoint.acceptsGzip("identity")).isFalse();
    assertThat(SnippetEndpoint.acceptsGzip(null)).isFalse();
  }

  @Test
  void ifNoneMatchMatchesAnyListedTagWeaklyOrAStar() {
    assertThat(SnippetEndpoint.matches("\"a\", \"b\"", "\"b\"")).isTrue();
    assertThat(SnippetEndpoint.matches("W/\"b\"", "\"b\"")).isTrue();
    assertThat(SnippetEndpoint.matches("*", "\"b\"")).isTrue();
    assertThat(SnippetEndpoint.matches("\"c\"", "\"b\"")).isFalse();
    assertThat(SnippetEndpoint.matches(null, "\"b\"")).isFalse();
  }
}
