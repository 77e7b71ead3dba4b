package dev.farewell.redis;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * A Redis Cluster of the test's own on loopback: three primaries and three replicas, each a
 * {@code redis-server --cluster-enabled yes} process with its own directory, joined by {@code
 * redis-cli --cluster create}. Nodes may be killed ({@code SIGKILL}); closing kills every process.
 */
final class RedisCluster implements AutoCloseable {

  private final int firstPort;
  private final Path dir;
  private final Process[] processes = new Process[6];

  private RedisCluster(int firstPort, Path dir) {
    this.firstPort = firstPort;
    this.dir = dir;
  }

  /**
   * Starts six nodes on free ports, each with its cluster bus port (10,000 above) free too, and
   * joins them: several builds on one machine do not meet on fixed ports.
   */
  static RedisCluster start() throws IOException, InterruptedException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int first = 20_000 + 10 * java.util.concurrent.ThreadLocalRandom.current().nextInt(1_000);
      if (free(first) && free(first + 10_000)) {
        return start(first);
      }
    }
    throw new IOException("found no six free ports with their cluster bus ports free");
  }

  private static boolean free(int first) {
    for (int port = first; port < first + 6; port++) {
      try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
        socket.bind(new java.net.InetSocketAddress("127.0.0.1", port));
      } catch (IOException taken) {
        return false;
      }
    }
    return true;
  }

  /** Starts six nodes on {@code firstPort} to {@code firstPort + 5} and joins them. */
  private static RedisCluster start(int firstPort) throws IOException, InterruptedException {
    RedisCluster cluster = new RedisCluster(firstPort, Files.createTempDirectory("redis-cluster"));
    try {
      for (int i = 0; i < 6; i++) {
        cluster.startNode(i);
      }
      for (int i = 0; i < 6; i++) {
        int port = firstPort + i;
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> ping(port));
      }
      List<String> create = new ArrayList<>(List.of("--cluster", "create"));
      for (int i = 0; i < 6; i++) {
        create.add("127.0.0.1:" + (firstPort + i));
      }
      create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
      cluster.cli(create);
      cluster.awaitServing();
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  String uri() {
    return "redis-cluster://127.0.0.1:" + firstPort + ",127.0.0.1:" + (firstPort + 1);
  }

  private void startNode(int index) throws IOException {
    Path nodeDir = dir.resolve("n" + index);
    Files.createDirectories(nodeDir);
    processes[index] = new ProcessBuilder(List.of("redis-server", "--port",
        Integer.toString(firstPort + index), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
        "--cluster-node-timeout", "1000", "--cluster-config-file", "nodes.conf",
        "--dir", nodeDir.toString(), "--save", "", "--appendonly", "no",
        "--protected-mode", "no"))
        .redirectErrorStream(true)
        .redirectOutput(nodeDir.resolve("redis.log").toFile())
        .start();
  }

  /** Waits until every live node says the cluster is ok and every replica has synced. */
  void awaitServing() {
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
      for (int i = 0; i < 6; i++) {
        if (processes[i] == null || !processes[i].isAlive()) {
          continue;
        }
        try (Jedis jedis = jedis(firstPort + i)) {
          if (!jedis.clusterInfo().contains("cluster_state:ok")) {
            return false;
          }
          String replication = jedis.info("replication");
          if (replication.contains("role:slave")
              && !replication.contains("master_link_status:up")) {
            return false;
          }
        }
      }
      return true;
    });
  }

  /** The port of the primary that serves {@code slot}, as a live node sees it. */
  int primaryOf(int slot) {
    for (int i = 0; i < 6; i++) {
      if (processes[i] == null || !processes[i].isAlive()) {
        continue;
      }
      try (Jedis jedis = jedis(firstPort + i)) {
        for (String line : jedis.clusterNodes().split("\n")) {
          String[] parts = line.trim().split(" ");
          if (parts.length < 9 || !parts[2].contains("master") || parts[2].contains("fail")) {
            continue;
          }
          for (int p = 8; p < parts.length; p++) {
            if (parts[p].startsWith("[")) {
              continue;
            }
            String[] range = parts[p].split("-");
            int from = Integer.parseInt(range[0]);
            int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
            if (slot >= from && slot <= to) {
              String address = parts[1].substring(0, parts[1].indexOf('@'));
              return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            }
          }
        }
      }
    }
    throw new IllegalStateException("no live node knows who serves slot " + slot);
  }

  String nodeId(int port) {
    try (Jedis jedis = jedis(port)) {
      return jedis.clusterMyId();
    }
  }

  /** Moves {@code count} slots, the lowest first, from one primary to another. */
  void reshard(int fromPort, int toPort, int count) throws IOException, InterruptedException {
    cli(List.of("--cluster", "reshard", "127.0.0.1:" + fromPort, "--cluster-from",
        nodeId(fromPort), "--cluster-to", nodeId(toPort), "--cluster-slots",
        Integer.toString(count), "--cluster-yes"));
  }

  /** Kills the node on {@code port} at once (SIGKILL). */
  void kill(int port) throws InterruptedException {
    Process process = processes[port - firstPort];
    process.destroyForcibly();
    process.waitFor();
  }

  private String cli(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("redis-cli"));
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-cli " + args + " did not end within 60 s");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0 || output.contains("[ERR]")) {
        throw new IllegalStateException("redis-cli " + args + " failed:\n" + output);
      }
      return output;
    } finally {
      process.destroyForcibly();
    }
  }

  private static Jedis jedis(int port) {
    return new Jedis("127.0.0.1", port, 2_000);
  }

  private static boolean ping(int port) {
    try (Jedis jedis = jedis(port)) {
      return "PONG".equals(jedis.ping());
    }
  }

  @Override
  public void close() {
    for (Process process : processes) {
      if (process != null) {
        process.destroyForcibly();
      }
    }
    for (Process process : processes) {
      if (process != null) {
        try {
          process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    delete(dir.toFile());
  }

  private static void delete(File file) {
    File[] children = file.listFiles();
    if (children != null) {
      for (File child : children) {
        delete(child);
      }
    }
    file.delete();
  }
}
