package dev.farewell.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.SignalType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The plain reader ({@link CanonicalMessageReader}) answers only for documents that the full parser
 * reads to the same message: over many generated documents, near misses and mutations included,
 * whatever it reads the full parser reads alike, and it reads every message the snippet sends.
 */
class MessageReadersAgreeTest {

  private static final String[][] VALUES = {
    {"v", "1", "2", "\"1\"", "1.0", "01", "-1", "1e0", "true", "null", "10"},
    {
      "type", "\"open\"", "\"heartbeat\"", "\"hidden\"", "\"visible\"", "\"exit\"", "\"resume\"",
      "\"OPEN\"", "\"\"", "\"ex\\u0069t\"", "1", "\"exits\"", "\"exi\"", "null"
    },
    {"token", "\"t.t\"", "\"\"", "\"abc.def\"", "\"a\\\"b\"", "5", "null", "\"a\tb\"", "\"~\u007f\""},
    {
      "page", "\"page-0001\"", "\"" + UUID.randomUUID() + "\"", "\"short\"", "\"page 0001\"",
      "\"p\\u0061ge-0001\"", "\"" + "a".repeat(64) + "\"", "\"" + "a".repeat(65) + "\"",
      "\"abcdefg\"", "\"page_0001\"", "\"page.0001\"", "7"
    },
    {
      "seq", "0", "1", "12", "123456789012345678", "1234567890123456789", "99999999999999999999",
      "-0", "-1", "1.0", "1e3", "01", "00", "\"3\"", "3x"
    },
    {"hidden", "true", "false", "\"true\"", "null", "0", "tru", "falsey", "True"},
    {"nav", "true", "false", "null", "1"},
    {"x", "1", "{}", "[1,2]", "\"s\"", "{\"a\":[1]}", "null"},
    {"\\u0076", "1", "2"},
    {"Type", "\"open\""},
  };

  private static final String WHITESPACE = " \t\n\r";

  private final Random random = new Random(20261121);

  @Test
  void whatThePlainReaderReadsTheFullParserReadsAlike() {
    int plainRead = 0;
    int fullRead = 0;
    for (int i = 0; i < 100_000; i++) {
      String document = document();
      byte[] bytes = mutate(document.getBytes(StandardCharsets.US_ASCII));
      // the endpoint reads into a longer buffer: only the given length counts
      byte[] buffer = Arrays.copyOf(bytes, bytes.length + random.nextInt(8));
      for (int b = bytes.length; b < buffer.length; b++) {
        buffer[b] = (byte) "}, \"1".charAt(random.nextInt(5));
      }

      BeaconMessage plain = CanonicalMessageReader.read(buffer, bytes.length);
      BeaconMessage full;
      try {
        full = MessageParser.parseAsciiInFull(buffer, bytes.length);
        fullRead++;
      } catch (Rejection refused) {
        full = null;
      }
      if (plain != null) {
        plainRead++;
        assertThat(full).as(new String(bytes, StandardCharsets.US_ASCII)).isEqualTo(plain);
      }
    }
    // The generator must reach both: messages the plain reader takes, and ones it leaves.
    assertThat(plainRead).isGreaterThan(2_000);
    assertThat(fullRead).isGreaterThan(plainRead);
  }

  @Test
  void theSnippetsMessagesAreReadByThePlainReader() throws Rejection {
    String page = UUID.randomUUID().toString();
    for (SignalType type : SignalType.values()) {
      String name = type.name().toLowerCase(java.util.Locale.ROOT);
      List<String> documents = new ArrayList<>();
      String head = "{\"v\":1,\"type\":\"" + name + "\",\"token\":\"AQAAAABn.x-Y_z\",\"page\":\""
          + page + "\",\"seq\":" + 41;
      if (type == SignalType.EXIT) {
        documents.add(head + "}");
        documents.add(head + ",\"nav\":true}");
        documents.add("{\"v\":1,\"type\":\"exit\",\"page\":\"" + page + "\",\"seq\":41}");
      } else {
        documents.add(head + ",\"hidden\":false}");
        documents.add(head + ",\"hidden\":true}");
      }
      for (String document : documents) {
        byte[] bytes = document.getBytes(StandardCharsets.US_ASCII);
        BeaconMessage plain = CanonicalMessageReader.read(bytes, bytes.length);
        assertThat(plain).as(document).isNotNull();
        assertThat(plain).isEqualTo(MessageParser.parseAsciiInFull(bytes, bytes.length));
        assertThat(plain.type()).isEqualTo(type);
      }
    }
  }

  @Test
  void whitespaceBetweenTokensIsRead() {
    byte[] bytes =
        " {\r\n\t\"seq\" : 7 ,\"hidden\":false, \"page\": \"page-0001\", \"type\":\"open\",\"v\":1 } \n"
            .getBytes(StandardCharsets.US_ASCII);

    BeaconMessage plain = CanonicalMessageReader.read(bytes, bytes.length);

    assertThat(plain).isNotNull();
    assertThat(plain.seq()).isEqualTo(7);
    assertThat(plain.token()).isEmpty();
  }

  /** Fields from the table in a random order, mostly the message's own, sometimes twice. */
  private String document() {
    List<String> members = new ArrayList<>();
    for (int f = 0; f < VALUES.length; f++) {
      String[] field = VALUES[f];
      double chance = (f <= 5) ? 0.9 : (f == 6) ? 0.3 : 0.05;
      int copies = (random.nextDouble() < chance) ? (random.nextInt(40) == 0 ? 2 : 1) : 0;
      for (int c = 0; c < copies; c++) {
        // the first value of each field is a valid one: favour it, so that many documents are
        String value =
            random.nextInt(3) > 0 ? field[1] : field[1 + random.nextInt(field.length - 1)];
        members.add(space() + "\"" + field[0] + "\"" + space() + ":" + space() + value + space());
      }
    }
    Collections.shuffle(members, random);
    return space() + "{" + String.join(",", members) + "}" + space();
  }

  private String space() {
    if (random.nextInt(10) > 0) {
      return "";
    }
    StringBuilder space = new StringBuilder();
    for (int i = random.nextInt(3); i >= 0; i--) {
      space.append(WHITESPACE.charAt(random.nextInt(WHITESPACE.length())));
    }
    return space.toString();
  }

  /** Now and then cuts the document short, or changes, adds or removes one byte. */
  private byte[] mutate(byte[] bytes) {
    switch (random.nextInt(12)) {
      case 0:
        return Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
      case 1:
        {
          byte[] changed = bytes.clone();
          if (changed.length > 0) {
            changed[random.nextInt(changed.length)] = (byte) random.nextInt(128);
          }
          return changed;
        }
      case 2:
        {
          int at = random.nextInt(bytes.length + 1);
          byte[] longer = new byte[bytes.length + 1];
          System.arraycopy(bytes, 0, longer, 0, at);
          longer[at] = (byte) "{}[]\",:0 \\a-".charAt(random.nextInt(12));
          System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
          return longer;
        }
      case 3:
        {
          if (bytes.length == 0) {
            return bytes;
          }
          int at = random.nextInt(bytes.length);
          byte[] shorter = new byte[bytes.length - 1];
          System.arraycopy(bytes, 0, shorter, 0, at);
          System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
          return shorter;
        }
      default:
        return bytes;
    }
  }
}
