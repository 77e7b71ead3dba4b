package dev.farewell.servlet;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Makes random and mutated beacon requests from valid templates, deterministically from a seed:
 * byte flips, truncation, huge numbers, deep nesting, wrong types, odd Unicode, wrong content types.
 */
final class HostileBodies {

  /** One request to send. */
  record Hostile(String contentType, byte[] body, String origin) {}

  private static final String[] CONTENT_TYPES = {
    "text/plain;charset=UTF-8", "application/json", "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=XyZ", null, "text/html", "application/xml",
    "text/plain;charset=utf-16", "multipart/form-data", "multipart/form-data; boundary=",
    "application/octet-stream", ";", "text/plain; charset=\"utf-8", "*/*", "application/json;;;",
    "multipart/form-data; boundary=" + "b".repeat(100),
  };

  private static final String[] WRONG_VALUES = {
    "null", "[]", "{}", "\"\"", "true", "false", "-1", "1.5", "1e308", "-0", "99999999999999999999999",
    "\"heartbeat\"", "[1,2,3]", "{\"a\":{\"b\":{}}}", "\"\\u0000\"", "\"\\uD800\"", "0x10", "NaN",
    "1" + "0".repeat(60), "\"" + "a".repeat(300) + "\"",
  };

  private static final String[] ODD_TEXT = {
    "\u0000", "\uFEFF", "\u202E", "\uD83D\uDE00", "\u00E9", "\\uD800", "\\uDFFF", "\\u0000", "\u2028",
    "\uFFFF", "\\", "\"", "'", "<script>", "%", "%00", "&d=", "\r\n--XyZ\r\n",
  };

  private static final byte[][] ODD_BYTES = {
    {(byte) 0xFF}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
    {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {0},
    {(byte) 0xFE, (byte) 0xFF},
  };

  private static final String[] TYPES = {"open", "heartbeat", "hidden", "visible", "exit", "resume"};

  private final Random random;
  private final List<String> tokens;
  private final List<String> pages;
  private final String origin;

  HostileBodies(long seed, List<String> tokens, List<String> pages, String origin) {
    this.random = new Random(seed);
    this.tokens = tokens;
    this.pages = pages;
    this.origin = origin;
  }

  Hostile next() {
    String json = template();
    int kind = random.nextInt(12);
    byte[] body;
    switch (kind) {
      case 0:
        body = flipBytes(json.getBytes(StandardCharsets.UTF_8));
        break;
      case 1:
        body = truncate(json.getBytes(StandardCharsets.UTF_8));
        break;
      case 2:
        body = bytes(replaceValue(json, WRONG_VALUES[random.nextInt(WRONG_VALUES.length)]));
        break;
      case 3:
        body = bytes(nest(json));
        break;
      case 4:
        body = bytes(insert(json, ODD_TEXT[random.nextInt(ODD_TEXT.length)]));
        break;
      case 5:
        body = insertBytes(json.getBytes(StandardCharsets.UTF_8), ODD_BYTES[random.nextInt(ODD_BYTES.length)]);
        break;
      case 6:
        body = new byte[random.nextInt(200)];
        random.nextBytes(body);
        break;
      case 7:
        body = bytes(json.replace("}", ",\"pad\":\"" + "x".repeat(3000 + random.nextInt(3000)) + "\"}"));
        break;
      case 8:
        body = bytes(json.replaceFirst("\"seq\":\\d+", "\"seq\":" + hugeNumber()));
        break;
      default:
        body = bytes(json);
        break;
    }
    // Mostly the forms a browser sends, so that most bodies reach the parser.
    String contentType = CONTENT_TYPES[random.nextInt(4) > 0 ? random.nextInt(5) : random.nextInt(CONTENT_TYPES.length)];
    if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
      body = random.nextBoolean() ? concat(bytes("d="), bytes(URLEncoder.encode(new String(body, StandardCharsets.UTF_8), StandardCharsets.UTF_8))) : concat(bytes("d="), body);
    } else if ("multipart/form-data; boundary=XyZ".equals(contentType)) {
      body = concat(concat(bytes("--XyZ\r\nContent-Disposition: form-data; name=\"d\"\r\n\r\n"), body),
          bytes(random.nextInt(4) == 0 ? "" : "\r\n--XyZ--\r\n"));
      if (random.nextInt(3) == 0) {
        body = flipBytes(body);
      }
    }
    // Refused origins close the connection when a body was sent: keep them a small share.
    String from = switch (random.nextInt(30)) {
      case 0 -> "https://evil.example";
      case 1 -> "null";
      case 2 -> null;
      default -> origin;
    };
    return new Hostile(contentType, body, from);
  }

  private String template() {
    String type = TYPES[random.nextInt(TYPES.length)];
    StringBuilder json = new StringBuilder("{\"v\":1,\"type\":\"").append(type).append('"');
    if (random.nextInt(10) > 0) {
      String token = tokens.get(random.nextInt(tokens.size()));
      json.append(",\"token\":\"").append(token).append('"');
    }
    json.append(",\"page\":\"").append(pages.get(random.nextInt(pages.size()))).append('"');
    json.append(",\"seq\":").append(random.nextInt(3) == 0 ? random.nextInt(10) : 2_000_000 + random.nextInt(1000));
    if (!type.equals("exit") || random.nextBoolean()) {
      json.append(",\"hidden\":").append(random.nextBoolean());
    }
    if (type.equals("exit") && random.nextBoolean()) {
      json.append(",\"nav\":true");
    }
    if (random.nextInt(4) == 0) {
      json.append(",\"future\":{\"x\":[1,2]}");
    }
    return json.append('}').toString();
  }

  private String hugeNumber() {
    return switch (random.nextInt(6)) {
      case 0 -> "9223372036854775807";
      case 1 -> "9223372036854775808";
      case 2 -> "1" + "0".repeat(random.nextInt(5000));
      case 3 -> "-9223372036854775809";
      case 4 -> "1e" + random.nextInt(100000);
      default -> "0." + "0".repeat(random.nextInt(2000)) + "1";
    };
  }

  private byte[] flipBytes(byte[] body) {
    byte[] copy = body.clone();
    int flips = 1 + random.nextInt(4);
    for (int i = 0; i < flips && copy.length > 0; i++) {
      int at = random.nextInt(copy.length);
      copy[at] = (byte) (copy[at] ^ (1 << random.nextInt(8)));
    }
    return copy;
  }

  private byte[] truncate(byte[] body) {
    return java.util.Arrays.copyOf(body, random.nextInt(body.length + 1));
  }

  private String replaceValue(String json, String value) {
    String[] fields = {"v", "type", "token", "page", "seq", "hidden", "nav"};
    String field = fields[random.nextInt(fields.length)];
    String replaced = json.replaceFirst("\"" + field + "\":(\"[^\"]*\"|[^,}]*)", "\"" + field + "\":" + java.util.regex.Matcher.quoteReplacement(value));
    return replaced.equals(json) ? json.replace("}", ",\"" + field + "\":" + value + "}") : replaced;
  }

  private String nest(String json) {
    int depth = 10 + random.nextInt(2000);
    String open = random.nextBoolean() ? "[" : "{\"a\":";
    String close = open.equals("[") ? "]" : "}";
    String nested = open.repeat(depth) + "1" + close.repeat(random.nextInt(5) == 0 ? depth - 1 : depth);
    return random.nextBoolean() ? nested : json.replace("}", ",\"deep\":" + nested + "}");
  }

  private String insert(String json, String text) {
    int at = random.nextInt(json.length() + 1);
    return json.substring(0, at) + text + json.substring(at);
  }

  private byte[] insertBytes(byte[] body, byte[] inserted) {
    int at = random.nextInt(body.length + 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(body, 0, at);
    out.write(inserted, 0, inserted.length);
    out.write(body, at, body.length - at);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
