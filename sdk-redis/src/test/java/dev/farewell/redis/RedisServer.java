package dev.farewell.redis;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code redis-server} process of a test's own, on a free port, that the test may stop and start
 * again. It saves its data when stopped and loads it when started, as a production Redis with
 * snapshots does.
 */
final class RedisServer implements AutoCloseable {

  private final int port;
  private final Path dir;
  private final List<String> settings;
  private Process process;

  private RedisServer(int port, Path dir, List<String> settings) {
    this.port = port;
    this.dir = dir;
    this.settings = settings;
  }

  /** Starts a server with extra settings ({@code "--name", "value"}), kept when started again. */
  static RedisServer start(String... settings) throws IOException {
    RedisServer server = new RedisServer(TestRedis.freePort(), Files.createTempDirectory("redis"),
        List.of(settings));
    server.startAgain();
    return server;
  }

  int port() {
    return port;
  }

  URI uri() {
    return URI.create("redis://127.0.0.1:" + port);
  }

  void startAgain() throws IOException {
    launch();
    await().atMost(Duration.ofSeconds(10)).until(() -> TestRedis.answers(uri()));
  }

  /** Deletes the data a stopped server would load: it starts again empty. */
  void wipe() {
    deleteData();
  }

  private void launch() throws IOException {
    List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "3600 1", "--appendonly", "no",
        "--protected-mode", "no"));
    command.addAll(settings);
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile())
        .start();
  }

  /** Stops the server as a shutdown does (SIGTERM: it saves its data first). */
  void stop() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }

  /** Kills the server at once (SIGKILL): it does not save; its last snapshot is what it had. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
    }
    deleteData();
    dir.toFile().delete();
  }

  private void deleteData() {
    File[] files = dir.toFile().listFiles();
    if (files != null) {
      for (File file : files) {
        if (file.isDirectory()) {
          File[] inner = file.listFiles();
          for (File f : inner == null ? new File[0] : inner) {
            f.delete();
          }
        }
        file.delete();
      }
    }
  }
}
