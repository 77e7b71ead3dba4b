package dev.farewell.beacon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.farewell.SignalType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageParserTest {

  @Test
  void aHeartbeatIsParsed() throws Rejection {
    BeaconMessage message =
        MessageParser.parse(
            "{\"v\":1,\"type\":\"heartbeat\",\"token\":\"t.t\",\"page\":\"page-0001\",\"seq\":12,"
                + "\"hidden\":true}");

    assertThat(message)
        .isEqualTo(
            new BeaconMessage(
                SignalType.HEARTBEAT, java.util.Optional.of("t.t"), "page-0001", 12, true, false));
  }

  @Test
  void anExitNeedsNoHiddenAndMayCarryNav() throws Rejection {
    BeaconMessage message =
        MessageParser.parse("{\"v\":1,\"type\":\"exit\",\"page\":\"page-0001\",\"seq\":3,\"nav\":true}");

    assertThat(message.type()).isEqualTo(SignalType.EXIT);
    assertThat(message.nav()).isTrue();
    assertThat(message.token()).isEmpty();
  }

  @Test
  void unknownFieldsAreIgnoredHoweverNested() throws Rejection {
    BeaconMessage message =
        MessageParser.parse(
            "{\"later\":{\"a\":[1,2,{\"b\":null}]},\"v\":1,\"type\":\"open\",\"page\":\"page-0001\","
                + "\"seq\":0,\"hidden\":false,\"x\":1.5e300}");

    assertThat(message.type()).isEqualTo(SignalType.OPEN);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "[]",
        "null",
        "{",
        "{}",
        "{\"v\":2,\"type\":\"open\",\"page\":\"page-0001\",\"seq\":0,\"hidden\":false}",
        "{\"v\":\"1\",\"type\":\"open\",\"page\":\"page-0001\",\"seq\":0,\"hidden\":false}",
        "{\"v\":1,\"type\":\"OPEN\",\"page\":\"page-0001\",\"seq\":0,\"hidden\":false}",
        "{\"v\":1,\"type\":\"open\",\"page\":\"short\",\"seq\":0,\"hidden\":false}",
        "{\"v\":1,\"type\":\"open\",\"page\":\"page 0001\",\"seq\":0,\"hidden\":false}",
        "{\"v\":1,\"type\":\"open\",\"page\":\"page-0001\",\"seq\":-1,\"hidden\":false}",
        "{\"v\":1,\"type\":\"open\",\"page\":\"page-0001\",\"seq\":1.0,\"hidden\":false}",
        "{\"v\":1,\"type\":\"open\",\"page\":\"page-0001\",\"seq\":99999999999999999999,\"hidden\":false}",
        "{\"v\":1,\"type\":\"open\",\"page\":\"page-0001\",\"seq\":0,\"hidden\":\"false\"}",
        "{\"v\":1,\"type\":\"open\",\"page\":\"page-0001\",\"seq\":0}",
        "{\"v\":1,\"type\":\"open\",\"page\":\"page-0001\",\"seq\":0,\"hidden\":false,\"nav\":true}",
        "{\"v\":1,\"type\":\"open\",\"page\":\"page-0001\",\"seq\":0,\"hidden\":false,\"token\":7}",
        "{\"v\":1,\"type\":\"open\",\"type\":\"exit\",\"page\":\"page-0001\",\"seq\":0,\"hidden\":false}",
        "{\"v\":1,\"type\":\"open\",\"page\":\"page-0001\",\"seq\":0,\"hidden\":false} {}",
        "{\"v\":1,\"type\":\"open\",\"page\":\"page-0001\",\"seq\":0,\"hidden\":false,\"x\":"
            + "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
        "{\"v\":1,\"type\":\"open\",\"page\":\"page-0001\",\"seq\":0,\"hidden\":false,\"x\":"
            + "1111111111111111111111111111111111111111111111111111111111111}",
      })
  void aMalformedMessageIsRefused(String json) {
    assertThatThrownBy(() -> MessageParser.parse(json))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status).isEqualTo(400));
    byte[] ascii = json.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> MessageParser.parseAscii(ascii, ascii.length))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status).isEqualTo(400));
  }

  @Test
  void theParserOfAsciiBytesGivesWhatTheTextParserGives() throws Rejection {
    for (String json :
        new String[] {
          "{\"v\":1,\"type\":\"heartbeat\",\"token\":\"t.t\",\"page\":\"page-0001\",\"seq\":12,"
              + "\"hidden\":true}",
          "{\"v\":1,\"type\":\"exit\",\"page\":\"page-0001\",\"seq\":3,\"nav\":true}",
          " {\"seq\":0,\"page\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"hidden\":false,"
              + "\"type\":\"open\",\"extra\":[1,{\"a\":null}],\"v\":1} ",
        }) {
      byte[] ascii = json.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      // a longer buffer, as the endpoint reads into one: only the given length counts
      byte[] buffer = java.util.Arrays.copyOf(ascii, ascii.length + 7);
      assertThat(MessageParser.parseAscii(buffer, ascii.length))
          .isEqualTo(MessageParser.parse(json));
    }
  }

  @Test
  void thePlainReaderDeclinesAnyByteOutsideAsciiAndTheFullParserReadsIt() throws Rejection {
    // The endpoint hands a JSON body to the plain reader without checking it for ASCII first.
    String json =
        "{\"v\":1,\"type\":\"heartbeat\",\"token\":\"t\u00e9.t\",\"page\":\"page-0001\","
            + "\"seq\":12,\"hidden\":true}";
    byte[] utf8 = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] latin1 = json.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    assertThat(CanonicalMessageReader.read(utf8, utf8.length)).isNull();
    assertThat(CanonicalMessageReader.read(latin1, latin1.length)).isNull();
    assertThat(MessageParser.parse(MediaType.parse("text/plain;charset=UTF-8"), utf8, utf8.length))
        .isEqualTo(MessageParser.parse(json));
  }

  /** Names from the wire fill no table without bound: Jackson keeps at most 6,000 of them. */
  @Test
  void manyDistinctFieldNamesAreParsedAndIgnored() throws Rejection {
    for (int i = 0; i < 50_000; i++) {
      String json =
          "{\"v\":1,\"type\":\"open\",\"page\":\"page-0001\",\"seq\":0,\"hidden\":false,"
              + "\"junk" + i + "\":" + i + "}";
      byte[] ascii = json.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(MessageParser.parseAscii(ascii, ascii.length).seq()).isZero();
    }
  }

  @Test
  void aFieldOfTheMessageGivenTwiceIsNamedButUnknownFieldsMayRepeat() throws Rejection {
    assertThatThrownBy(
            () ->
                MessageParser.parse(
                    "{\"v\":1,\"type\":\"open\",\"page\":\"page-0001\",\"seq\":0,"
                        + "\"hidden\":false,\"page\":\"page-0002\"}"))
        .hasMessage("field page appears twice");
    assertThat(
            MessageParser.parse(
                    "{\"x\":1,\"v\":1,\"type\":\"open\",\"x\":{\"y\":1,\"y\":2},"
                        + "\"page\":\"page-0001\",\"seq\":0,\"hidden\":false,\"x\":[]}")
                .page())
        .isEqualTo("page-0001");
  }

  @Test
  void aMissingFieldIsNamed() {
    assertThatThrownBy(
            () -> MessageParser.parse("{\"v\":1,\"type\":\"open\",\"seq\":0,\"hidden\":false}"))
        .hasMessage("page is missing");
  }
}
