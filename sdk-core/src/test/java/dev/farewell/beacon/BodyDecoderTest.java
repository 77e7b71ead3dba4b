package dev.farewell.beacon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BodyDecoderTest {

  private static final String JSON = "{\"v\":1,\"type\":\"exit\",\"page\":\"page-0001\",\"seq\":1}";

  private static String decode(String contentType, String body) throws Rejection {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return BodyDecoder.json(BodyDecoder.accept(contentType), bytes, bytes.length);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"text/plain;charset=UTF-8", "text/plain", "application/json", "Application/JSON; charset=utf-8"})
  void aPlainBodyIsTheMessage(String contentType) throws Rejection {
    assertThat(decode(contentType, JSON)).isEqualTo(JSON);
  }

  @Test
  void aBodyWithoutContentTypeIsTheMessage() throws Rejection {
    assertThat(decode(null, JSON)).isEqualTo(JSON);
  }

  @Test
  void aUrlEncodedFormCarriesTheMessageInFieldD() throws Rejection {
    String form =
        "x=1&d=" + java.net.URLEncoder.encode(JSON, StandardCharsets.UTF_8) + "&y=%E2%82%AC";

    assertThat(decode("application/x-www-form-urlencoded;charset=UTF-8", form)).isEqualTo(JSON);
  }

  @Test
  void aMultipartFormCarriesTheMessageInFieldD() throws Rejection {
    String boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    String body =
        "--" + boundary + "\r\n"
            + "Content-Disposition: form-data; name=\"other\"\r\n\r\nvalue\r\n"
            + "--" + boundary + "\r\n"
            + "Content-Disposition: form-data; name=\"d\"\r\n\r\n" + JSON + "\r\n"
            + "--" + boundary + "--\r\n";

    assertThat(decode("multipart/form-data; boundary=" + boundary, body)).isEqualTo(JSON);
  }

  @Test
  void aMultipartFormWithAQuotedBoundaryAndABlobPartIsRead() throws Rejection {
    String body =
        "preamble\r\n--b:1\r\n"
            + "Content-Disposition: form-data; name=\"d\"; filename=\"blob\"\r\n"
            + "Content-Type: application/json\r\n\r\n" + JSON + "\r\n--b:1--";

    assertThat(decode("multipart/form-data; boundary=\"b:1\"", body)).isEqualTo(JSON);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"text/html", "application/xml", "text/plain;charset=iso-8859-1", "image/png", ";;", "a/b; x"})
  void anotherContentTypeIsRefusedWith415(String contentType) {
    assertThatThrownBy(() -> BodyDecoder.accept(contentType))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status).isEqualTo(415));
  }

  @ParameterizedTest
  @ValueSource(strings = {"x=1", "d=%ZZ", "d=%E2%82", "d=%"})
  void aBrokenFormIsRefusedWith400(String form) {
    assertThatThrownBy(() -> decode("application/x-www-form-urlencoded", form))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status).isEqualTo(400));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "--b\r\nContent-Disposition: form-data; name=\"d\"\r\n\r\n{}",
        "--b\r\nContent-Disposition: form-data; name=\"e\"\r\n\r\n{}\r\n--b--",
        "--b\r\nno headers end",
        "--bx\r\n",
      })
  void aBrokenMultipartIsRefusedWith400(String body) {
    assertThatThrownBy(() -> decode("multipart/form-data; boundary=b", body))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status).isEqualTo(400));
  }

  @Test
  void invalidUtf8IsRefusedWith400() {
    byte[] bytes = {'{', (byte) 0xC3, '}'};
    assertThatThrownBy(() -> BodyDecoder.json(MediaType.NONE, bytes, bytes.length))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status).isEqualTo(400));
  }
}
