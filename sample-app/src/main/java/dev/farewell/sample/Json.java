package dev.farewell.sample;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.farewell.PageView;
import dev.farewell.SessionView;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/** Writes the JSON of the API and of the dashboard's feed. */
final class Json {

  /** Writes one JSON value. */
  @FunctionalInterface
  interface Body {
    void write(JsonGenerator json) throws IOException;
  }

  private static final JsonFactory FACTORY = new JsonFactory();

  private Json() {}

  static String of(Body body) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      body.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  static void send(HttpServletResponse response, int status, Body body) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json;charset=utf-8");
    response.setHeader("Cache-Control", "no-store");
    response.getWriter().write(of(body));
  }

  static void error(HttpServletResponse response, int status, String reason) throws IOException {
    send(
        response,
        status,
        json -> {
          json.writeStartObject();
          json.writeStringField("error", reason);
          json.writeEndObject();
        });
  }

  static void release(JsonGenerator json, ReleaseRecord r) throws IOException {
    json.writeStartObject();
    json.writeStringField("sessionId", r.sessionId());
    json.writeStringField("user", r.user());
    json.writeStringField("reason", r.reason().name());
    json.writeNumberField("lastSignalAt", r.lastSignalAt().toEpochMilli());
    json.writeNumberField("releasedAt", r.releasedAt().toEpochMilli());
    json.writeEndObject();
  }

  static void releases(JsonGenerator json, List<ReleaseRecord> records) throws IOException {
    json.writeStartArray();
    for (ReleaseRecord r : records) {
      release(json, r);
    }
    json.writeEndArray();
  }

  static void pages(JsonGenerator json, List<PageView> pages) throws IOException {
    json.writeStartArray();
    for (PageView p : pages) {
      json.writeStartObject();
      json.writeStringField("pageId", p.pageId());
      json.writeStringField("state", p.state().name());
      json.writeNumberField("lastSignalAt", p.lastSignalAt().toEpochMilli());
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  static String user(SessionView session) {
    return session.attributes().getOrDefault(Login.USER_ATTRIBUTE, "?");
  }
}
