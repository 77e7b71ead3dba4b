package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerOriginsTest {

  private final ServerOrigins origins = new ServerOrigins();

  @Test
  void anOriginLeavesOutItsSchemesDefaultPort() {
    assertThat(origins.of("https", "app.example.com", 443)).isEqualTo("https://app.example.com");
    assertThat(origins.of("http", "app.example.com", 80)).isEqualTo("http://app.example.com");
    assertThat(origins.of("http", "app.example.com", 443)).isEqualTo("http://app.example.com:443");
    assertThat(origins.of("https", "app.example.com", 8443))
        .isEqualTo("https://app.example.com:8443");
  }

  @Test
  void anIpv6HostIsBracketedOnce() {
    assertThat(origins.of("http", "::1", 8080)).isEqualTo("http://[::1]:8080");
    assertThat(origins.of("http", "[::1]", 8080)).isEqualTo("http://[::1]:8080");
  }

  @Test
  void eachPartOfTheRequestChangesTheOriginEvenAfterAnotherWasKept() {
    String[][] requests = {
      {"http", "a.example", "8080", "http://a.example:8080"},
      {"http", "a.example", "8080", "http://a.example:8080"},
      {"https", "a.example", "8080", "https://a.example:8080"},
      {"https", "b.example", "8080", "https://b.example:8080"},
      {"https", "b.example", "8081", "https://b.example:8081"},
      {"http", "a.example", "8080", "http://a.example:8080"},
    };
    for (String[] request : requests) {
      assertThat(origins.of(request[0], request[1], Integer.parseInt(request[2])))
          .isEqualTo(request[3]);
    }
  }
}
