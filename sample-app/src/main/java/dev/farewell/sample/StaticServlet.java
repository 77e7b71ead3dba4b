package dev.farewell.sample;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Serves one file bundled with the demo (the dashboard page, the style sheet). */
final class StaticServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private final byte[] content;
  private final String contentType;

  StaticServlet(String resource, String contentType) {
    this.contentType = contentType;
    try (InputStream in = StaticServlet.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      this.content = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setContentType(contentType);
    response.setContentLength(content.length);
    response.getOutputStream().write(content);
  }
}
