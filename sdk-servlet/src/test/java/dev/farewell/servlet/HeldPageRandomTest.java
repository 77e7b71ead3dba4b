package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A page fed to HeldPage in random writes (as InjectingResponse.take feeds it) comes out
 * whole, with the tag once at the insertion point, or untagged when the snippet's path is before
 * it (even split across many writes of any size).
 */
class HeldPageRandomTest {

  static final String PATH = "/farewell/farewell.js";
  static final String TAG = "<TAG>";
  static final String[] PARTS = {"<title>é€ x</title>", "<meta name=\"a\" content=\"b\">",
      "<script src=\"" + PATH + "\"></script>", "<!-- " + PATH + " -->", "x".repeat(40),
      "<style>p{}</style>", "\u00e9\u20ac\ud83d\ude00", "farewell", "/farewell/", ".js", "f"};

  @Test
  void randomWritesComeOutWholeWithOneTagInTheRightPlace() throws Exception {
    Random random = new Random(7);
    List<String> failures = new ArrayList<>();
    for (int round = 0; round < 50_000 && failures.size() < 5; round++) {
      StringBuilder head = new StringBuilder("<!doctype html><html><head>");
      int n = random.nextInt(8);
      for (int i = 0; i < n; i++) {
        head.append(PARTS[random.nextInt(PARTS.length)]);
      }
      String page = head + "</head><body><p>\u00fcber</p>" + "y".repeat(random.nextInt(100))
          + "</body></html>";
      int at = page.indexOf("</head>");
      boolean carries = page.substring(0, at).contains(PATH);
      String expected = carries ? page : page.substring(0, at) + TAG + page.substring(at);
      int[] cuts = cuts(random, page.length());

      String chars = throughChars(page, cuts);
      if (!chars.equals(expected)) {
        failures.add("chars " + java.util.Arrays.toString(cuts) + "\n  page " + page
            + "\n  got  " + chars);
      }
      byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
      int[] byteCuts = cuts(random, bytes.length);
      String fromBytes = throughBytes(bytes, byteCuts);
      if (!fromBytes.equals(expected)) {
        failures.add("bytes " + java.util.Arrays.toString(byteCuts) + "\n  page " + page
            + "\n  got  " + fromBytes);
      }
    }
    assertThat(failures).isEmpty();
  }

  private static int[] cuts(Random random, int length) {
    List<Integer> cuts = new ArrayList<>();
    int at = 0;
    while (at < length) {
      int size = switch (random.nextInt(4)) {
        case 0 -> 1;
        case 1 -> 1 + random.nextInt(8);
        case 2 -> 1 + random.nextInt(40);
        default -> 1 + random.nextInt(200);
      };
      at = Math.min(length, at + size);
      cuts.add(at);
    }
    return cuts.stream().mapToInt(Integer::intValue).toArray();
  }

  private static String throughChars(String page, int[] cuts) throws Exception {
    StringWriter sink = new StringWriter();
    HeldPage.Chars held = new HeldPage.Chars(new PrintWriter(sink), PATH);
    int from = 0;
    boolean passing = false;
    for (int cut : cuts) {
      // as a servlet would: a piece of a larger string now and then
      String piece = page.substring(from, cut);
      String source = from % 3 == 0 ? "##" + piece + "##" : piece;
      int offset = from % 3 == 0 ? 2 : 0;
      take(held, source, offset, piece.length(), passing);
      passing = passing || sawPoint;
      from = cut;
    }
    if (!passing) {
      held.releaseHeld();
    }
    return sink.toString();
  }

  private static boolean sawPoint;

  private static <P> void take(HeldPage<P> page, P piece, int offset, int length, boolean passing)
      throws Exception {
    sawPoint = false;
    if (passing) {
      page.write(piece, offset, offset + length);
      return;
    }
    int room = HeldPage.MAXIMUM - page.length();
    long at = page.scan(piece, offset, Math.min(length, room));
    if (at >= 0) {
      int before = (int) Math.max(0, at - page.length());
      String tag = page.carriesSnippet(piece, offset, before) ? null : TAG;
      page.release(piece, offset, length, at, tag);
      sawPoint = true;
    } else {
      page.hold(piece, offset, length);
    }
  }

  private static String throughBytes(byte[] page, int[] cuts) throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    HeldPage.Bytes held = new HeldPage.Bytes(sink, PATH);
    int from = 0;
    boolean passing = false;
    for (int cut : cuts) {
      byte[] source = new byte[cut - from + 9];
      System.arraycopy(page, from, source, 4, cut - from);
      take(held, source, 4, cut - from, passing);
      passing = passing || sawPoint;
      from = cut;
    }
    if (!passing) {
      held.releaseHeld();
    }
    return sink.toString(StandardCharsets.UTF_8);
  }
}
