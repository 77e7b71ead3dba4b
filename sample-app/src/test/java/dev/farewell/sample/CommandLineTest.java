package dev.farewell.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  private static SampleOptions parse(String... args) throws Exception {
    return CommandLine.parse(args, Map.of());
  }

  @Test
  void noFlagsGiveTheDefaults() throws Exception {
    SampleOptions options = parse();
    assertThat(options.port()).isEqualTo(8080);
    assertThat(options.host()).isEqualTo("127.0.0.1");
    assertThat(options.seats()).isEqualTo(3);
    assertThat(options.heartbeatTimeout()).isEmpty();
    assertThat(options.store()).isEmpty();
    assertThat(options.tokenSecret()).isEmpty();
  }

  @Test
  void everyFlagIsRead() throws Exception {
    SampleOptions options =
        parse(
            "--port", "0", "--seats", "2", "--heartbeat-interval", "500ms",
            "--heartbeat-timeout=3s", "--hidden-timeout", "2m", "--exit-grace", "1s",
            "--navigation-grace", "4s", "--store", "redis://127.0.0.1:6380", "--group", "g-1",
            "--token-secret", SECRET, "--host", "0.0.0.0");
    assertThat(options.port()).isZero();
    assertThat(options.seats()).isEqualTo(2);
    assertThat(options.heartbeatInterval()).contains(Duration.ofMillis(500));
    assertThat(options.heartbeatTimeout()).contains(Duration.ofSeconds(3));
    assertThat(options.hiddenTimeout()).contains(Duration.ofMinutes(2));
    assertThat(options.exitGrace()).contains(Duration.ofSeconds(1));
    assertThat(options.navigationGrace()).contains(Duration.ofSeconds(4));
    assertThat(options.store()).contains(URI.create("redis://127.0.0.1:6380"));
    assertThat(options.group()).isEqualTo("g-1");
    assertThat(options.tokenSecret()).contains(SECRET);
    assertThat(options.host()).isEqualTo("0.0.0.0");
  }

  @Test
  void theTokenSecretComesFromTheEnvironmentWhenNoFlagGivesIt() throws Exception {
    SampleOptions options =
        CommandLine.parse(
            new String[] {"--store", "redis://localhost:6379"},
            Map.of("FAREWELL_TOKEN_SECRET", SECRET));
    assertThat(options.tokenSecret()).contains(SECRET);
  }

  @Test
  void aRedisStoreWithoutAPortUsesTheDefaultPort() throws Exception {
    assertThat(parse("--store", "redis://cache", "--token-secret", SECRET).store())
        .contains(URI.create("redis://cache:6379"));
  }

  @Test
  void aBadDurationIsNamedWithItsFlag() {
    assertThatThrownBy(() -> parse("--exit-grace", "3x"))
        .isInstanceOf(CommandLine.UsageException.class)
        .hasMessage("--exit-grace expects a duration like 500ms, 3s or 2m, was '3x'");
    assertThatThrownBy(() -> parse("--heartbeat-timeout", "0s"))
        .hasMessage("--heartbeat-timeout must be > 0, was '0s'");
  }

  @Test
  void aBadNumberIsNamedWithItsFlag() {
    assertThatThrownBy(() -> parse("--seats", "two"))
        .hasMessage("--seats expects a whole number, was 'two'");
    assertThatThrownBy(() -> parse("--seats", "0"))
        .hasMessage("--seats: seats must be 1 to 10000, was 0");
    assertThatThrownBy(() -> parse("--port", "70000"))
        .hasMessage("--port: port must be 0 to 65535, was 70000");
  }

  @Test
  void unknownMissingAndRepeatedFlagsAreRefused() {
    assertThatThrownBy(() -> parse("--seat", "2")).hasMessage("unknown option --seat (see --help)");
    assertThatThrownBy(() -> parse("--seats")).hasMessage("--seats needs a value");
    assertThatThrownBy(() -> parse("--seats", "2", "--seats", "3"))
        .hasMessage("--seats was given twice");
    assertThatThrownBy(() -> parse("seats")).hasMessage("unexpected argument 'seats' (see --help)");
  }

  @Test
  void aStoreThatIsNotRedisIsRefused() {
    assertThatThrownBy(() -> parse("--store", "http://localhost:6379"))
        .hasMessage("--store: store must look like redis://host:port, was 'http://localhost:6379'");
  }

  @Test
  void aSharedStoreNeedsATokenSecret() {
    assertThatThrownBy(() -> parse("--store", "redis://127.0.0.1:6379"))
        .hasMessageContaining("a shared store needs a token secret");
  }

  @Test
  void aShortTokenSecretIsRefused() {
    assertThatThrownBy(() -> parse("--token-secret", "short"))
        .hasMessage("--token-secret: tokenSecret must be at least 32 characters, was 5");
    assertThatThrownBy(
            () -> CommandLine.parse(new String[0], Map.of("FAREWELL_TOKEN_SECRET", "short")))
        .hasMessage("FAREWELL_TOKEN_SECRET: tokenSecret must be at least 32 characters, was 5");
  }

  @Test
  void mainExitsWithStatusTwoAndAClearMessageOnABadFlag() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            new String[] {"--hidden-timeout", "soon"},
            Map.of(),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--hidden-timeout expects a duration like 500ms, 3s or 2m, was 'soon'")
        .contains("--help");
  }

  @Test
  void mainExitsWithStatusTwoWhenTheTimeoutsContradictEachOther() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            new String[] {"--port", "0", "--heartbeat-timeout", "2s"},
            Map.of(),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("the timeouts contradict each other", "heartbeatTimeout must be > heartbeatInterval");
  }

  @Test
  void helpPrintsEveryOption() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status =
        Main.run(
            new String[] {"--help"},
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(status).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--port", "--seats", "--heartbeat-interval", "--heartbeat-timeout",
            "--hidden-timeout", "--exit-grace", "--navigation-grace", "--store",
            "--token-secret", "FAREWELL_TOKEN_SECRET");
  }
}
