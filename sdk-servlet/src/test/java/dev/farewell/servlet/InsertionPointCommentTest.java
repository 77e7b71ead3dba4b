package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * In browsers (HTML tokenizer, comment start / comment start dash states) "<!--!>" and "<!---!>"
 * do not end the comment: only "--!>" reached from the comment end state does. A "</head>" still
 * inside the browser's comment must not get the tag (it would sit in a comment: no beat).
 */
class InsertionPointCommentTest {

  private static long point(String page) {
    byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
    long inBytes = new InsertionPointScanner().feed(bytes, 0, bytes.length);
    long inText = new InsertionPointScanner().feed(page, 0, page.length());
    assertThat(inText).as("text and bytes agree for %s", page).isEqualTo(inBytes);
    return inBytes;
  }

  @Test
  void aCommentOpenedWithBangCloseIsStillOpen() {
    String page = "<html><head><!--!> </head><body> --></head><body>";
    assertThat(point(page)).as(page).isEqualTo(page.lastIndexOf("</head>"));
  }

  @Test
  void aCommentOpenedWithDashBangCloseIsStillOpen() {
    String page = "<html><head><!---!> </head><body> --></head><body>";
    assertThat(point(page)).as(page).isEqualTo(page.lastIndexOf("</head>"));
  }

  @Test
  void heldACommentClosedByDashDashBangClose() {
    String page = "<html><head><!-- a --!></head><body>";
    assertThat(point(page)).isEqualTo(page.indexOf("</head>"));
    String page2 = "<html><head><!----!></head><body>";
    assertThat(point(page2)).isEqualTo(page2.indexOf("</head>"));
  }
}
