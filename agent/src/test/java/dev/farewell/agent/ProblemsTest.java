package dev.farewell.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A type Byte Buddy cannot hook is logged once, at WARNING, with its cause. */
class ProblemsTest {

  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  ProblemsTest() {
    Hooks.logger.addHandler(handler);
  }

  @AfterEach
  void removeHandler() {
    Hooks.logger.removeHandler(handler);
  }

  @Test
  void anErrorOfByteBuddyIsLoggedOncePerType() {
    FarewellAgent.Problems problems = new FarewellAgent.Problems();
    IllegalStateException error = new IllegalStateException("no such method");

    problems.onError("org.example.Container", null, null, false, error);
    problems.onError("org.example.Container", null, null, true, error);
    problems.onError("org.example.Other", null, null, false, error);

    assertThat(records).hasSize(2).allSatisfy(record -> {
      assertThat(record.getLevel()).isEqualTo(Level.WARNING);
      assertThat(record.getThrown()).isSameAs(error);
    });
    assertThat(records.get(0).getMessage())
        .startsWith("farewell-agent cannot hook into org.example.Container; it is left alone");
  }
}
