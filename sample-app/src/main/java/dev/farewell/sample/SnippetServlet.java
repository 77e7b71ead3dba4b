package dev.farewell.sample;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code /farewell/farewell.js}: the browser snippet, from the {@code farewell-js} jar. */
final class SnippetServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  static final String RESOURCE = "META-INF/resources/farewell/farewell.js";

  private final byte[] script;

  SnippetServlet() {
    try (InputStream in = SnippetServlet.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the snippet " + RESOURCE + " is not on the class path");
      }
      script = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setContentType("text/javascript;charset=utf-8");
    response.setHeader("Cache-Control", "public, max-age=300");
    response.setContentLength(script.length);
    response.getOutputStream().write(script);
  }
}
