package dev.farewell.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerOriginMemoTest {

  private final ServerOriginMemo memo = new ServerOriginMemo();

  @Test
  void eachOriginIsNormalizedAsThePolicyDoesWhicheverCameBefore() {
    String[] origins = {
      "http://127.0.0.1:8080", "http://127.0.0.1:8080", "HTTPS://App.Example.com:443",
      "https://app.example.com", "null", "http://127.0.0.1:8080", "ftp://x", "", "http://[::1]:80",
    };
    for (String origin : origins) {
      assertThat(memo.normalize(origin)).as(origin).isEqualTo(OriginPolicy.normalize(origin));
    }
    assertThat(memo.normalize(null)).isNull();
  }
}
