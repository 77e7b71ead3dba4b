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
  }

  @Test
  void aMissingFieldIsNamed() {
    assertThatThrownBy(
            () -> MessageParser.parse("{\"v\":1,\"type\":\"open\",\"seq\":0,\"hidden\":false}"))
        .hasMessage("page is missing");
  }
}
