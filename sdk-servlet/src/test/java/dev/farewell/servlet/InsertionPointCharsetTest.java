package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Pages whose bytes the insertion point scanner misreads: it takes bytes for ASCII characters
 * where the page's charset or the HTML tokenizer does not.
 */
class InsertionPointCharsetTest {

  private static final String TAG = "<script src=\"/farewell/farewell.js\"></script>";

  /** An ISO-2022-JP page passes the filter's charset check, yet in its two-byte runs ASCII bytes
   *  are halves of kanji: four kanji encode as the bytes of "</head>!". */
  @Test
  void aKanjiRunInIso2022JpIsNotTakenForTheHeadEndTag() throws Exception {
    Charset jis = Charset.forName("ISO-2022-JP");
    String text = new String(new byte[] {0x1b, '$', 'B', 0x3c, 0x2f, 0x68, 0x65, 0x61, 0x64, 0x3e,
        0x21, 0x1b, '(', 'B'}, jis);
    String page = "<!doctype html><title>t</title><p>" + text + "</p>";
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    InjectingResponse response = new InjectingResponse(container(sent, "ISO-2022-JP"),
        "/farewell/farewell.js", fixedTag());

    var out = response.getOutputStream();
    out.write(page.getBytes(jis));
    response.finish(false);

    String received = new String(sent.toByteArray(), jis);
    // Either untouched, or the tag readable as a tag: never ASCII bytes inside a kanji run.
    assertThat(received.equals(page) || received.contains(TAG))
        .as("received %s", received).isTrue();
  }

  /** "--!>" ends a comment in HTML (the comment end bang state): the head ends right after. */
  @Test
  void aCommentClosedWithDashDashBangEndsAtIt() {
    String page = "<html><head><!-- a --!></head><body><p>x</p><!-- b --></body>";
    byte[] bytes = page.getBytes(StandardCharsets.UTF_8);

    assertThat(new InsertionPointScanner().feed(bytes, 0, bytes.length))
        .isEqualTo(page.indexOf("</head>"));
  }

  /** A page's tag that is always {@link #TAG}. */
  private static PageTags fixedTag() {
    return new PageTags() {
      @Override
      public String issue(String nonce) {
        return TAG;
      }

      @Override
      public void discard() {}

      @Override
      public boolean issuedByApplication() {
        return false;
      }
    };
  }

  private static HttpServletResponse container(ByteArrayOutputStream sent, String charset) {
    ServletOutputStream stream = new ServletOutputStream() {
      @Override
      public void write(int b) {
        sent.write(b);
      }

      @Override
      public boolean isReady() {
        return true;
      }

      @Override
      public void setWriteListener(WriteListener listener) {}
    };
    return (HttpServletResponse) Proxy.newProxyInstance(
        InsertionPointCharsetTest.class.getClassLoader(),
        new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (
            method.getName()) {
          case "getStatus" -> 200;
          case "getContentType" -> "text/html;charset=" + charset;
          case "getCharacterEncoding" -> charset;
          case "getOutputStream" -> stream;
          case "isCommitted", "containsHeader" -> false;
          case "getHeaders", "getHeaderNames" -> java.util.List.of();
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          case "toString" -> "container response";
          default -> null;
        });
  }
}
