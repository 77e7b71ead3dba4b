package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where the tag goes, marked {@code |} in each page below; pages without a mark get none. */
class InsertionPointScannerTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "<!doctype html><html><head><title>t</title>|</head><body></body></html>",
      "<html><HEAD><title>t</title>|</HEAD >",
      "<html><head>|</head\n>",
      "<html><body class=\"a\">|<p>",
      "<html><BODY>|",
      "<body/>|",
      "<head><script>var s = '<html><head></head><body>' + '</body>';</script>|</head>",
      "<head><script type=\"module\">if (a</b) {}</scripts></script >|</head>",
      "<head><style>p::after { content: \"</head><body>\" }</style>|</head>",
      "<head><title>About </head> and <body></title>|</head>",
      "<head><template><body></body></template>|</head>",
      "<head><textarea></head><body></textarea>|</head>",
      "<head><!-- </head><body> -->|</head>",
      "<head><!-- a -- b --->|</head>",
      "<head><!-->|</head>",
      "<head><!--->|</head>",
      "<head><!---->|</head>",
      "<head><!-- -></head>-->|</head>",
      "<head><meta content=\"</head><body>\"><meta content='<body>'>|</head>",
      "<head><meta content=\"a\" data-x='>'>|</head>",
      "<html><header></header><body>|",
      "<head></headline>|</head>",
      "<?xml version=\"1.0\"?><head>|</head>",
      "<head><![CDATA[</head>]]>|</head>",
      "<p>no head, no body</p>",
      "<bodyguard>hi</bodyguard>",
  })
  void theTagGoesBeforeTheRealHeadEndOrAfterTheRealBodyStartOnly(String marked) {
    String page = marked.replace("|", "");
    byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
    long expected = marked.indexOf('|');

    assertThat(new InsertionPointScanner().feed(bytes, 0, bytes.length)).as(marked)
        .isEqualTo(expected);
  }

  @Test
  void aPageFedInPiecesOfAnySizeGivesTheSamePointAsAWholeOne() {
    String page = "<!doctype html><html><head><!-- </head> --><script>'<body>'</script>"
        + "<style>a{}</style><meta content=\"</head>\"><title>x</title></head><body></body>";
    byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
    long whole = new InsertionPointScanner().feed(bytes, 0, bytes.length);
    Random random = new Random(17);
    for (int round = 0; round < 500; round++) {
      InsertionPointScanner scanner = new InsertionPointScanner();
      long found = -1;
      for (int at = 0; at < bytes.length && found < 0; ) {
        int piece = Math.min(bytes.length - at, 1 + random.nextInt(8));
        found = scanner.feed(bytes, at, piece);
        at += piece;
      }
      assertThat(found).isEqualTo(whole).isEqualTo(page.indexOf("</head><body>"));
    }
  }

  @Test
  void bytesAndTextFedWholeOrInPiecesGiveTheSamePointOnRandomPages() {
    // Long runs (text, a value, a comment) are passed over eight bytes at a time: they are here
    // so that a point found that way is checked against the same page fed in small pieces.
    String[] parts = {"<head>", "</head>", "<body>", "<body class=a>", "</head ", "<script>",
        "</script>", "<style>", "</style>", "<title>", "</title>", "<!--", "-->", "<!", "<?",
        "<meta a=", "<meta a = ", "\"", "'", "=", " ", ">", "/>", "<", "</", "x", "</header>",
        "<headx>", "\u00e9", "<br/>", "<template>", "</template>", "xxxxxxxxxxxxxxxxxxxxxxxxx",
        "- -- - -----", "<meta content=\"a long value, with = and > in it\">",
        "<!-- a longer comment, with - and > and </head> in it -->", "\u20ac\u00fc\u20ac\u00fc\u20ac"};
    Random random = new Random(31);
    int found = 0;
    for (int round = 0; round < 3_000; round++) {
      StringBuilder page = new StringBuilder("<html>");
      for (int i = random.nextInt(30); i > 0; i--) {
        page.append(parts[random.nextInt(parts.length)]);
      }
      String text = page.toString();
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      int most = 1 + random.nextInt(random.nextBoolean() ? 6 : 40);

      long whole = new InsertionPointScanner().feed(bytes, 0, bytes.length);
      long wholeText = new InsertionPointScanner().feed(text, 0, text.length());
      if (bytes.length == text.length()) {
        // ASCII: a byte is a character
        assertThat(wholeText).as(text).isEqualTo(whole);
      }
      assertThat(wholeText < 0).as(text).isEqualTo(whole < 0);
      assertThat(inPieces(random, most, bytes.length, (s, at, n) -> s.feed(bytes, at, n)))
          .as(text).isEqualTo(whole);
      assertThat(inPieces(random, most, text.length(), (s, at, n) -> s.feed(text, at, n)))
          .as(text).isEqualTo(wholeText);
      found += whole >= 0 ? 1 : 0;
    }
    // the pages are varied enough: many have a point, many do not
    assertThat(found).isBetween(600, 2_400);
  }

  private interface Feed {
    long feed(InsertionPointScanner scanner, int offset, int length);
  }

  private static long inPieces(Random random, int most, int length, Feed feed) {
    InsertionPointScanner scanner = new InsertionPointScanner();
    for (int at = 0; at < length; ) {
      int piece = Math.min(length - at, 1 + random.nextInt(most));
      long found = feed.feed(scanner, at, piece);
      if (found >= 0) {
        return found;
      }
      at += piece;
    }
    return -1;
  }
}
