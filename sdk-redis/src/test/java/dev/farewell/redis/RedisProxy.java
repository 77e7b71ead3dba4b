package dev.farewell.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy between one node and Redis, with real sockets, that a test can cut (every
 * connection closed, new ones refused) or make lose replies (requests reach Redis, its answers are
 * dropped and the connection closed), as a network or a node's NIC would.
 */
final class RedisProxy implements AutoCloseable {

  private final ServerSocket server;
  private volatile URI target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean cut;
  private volatile boolean loseReplies;
  private boolean holdReplies;
  /** The reply pumps of the connections open now, and those silenced for good. */
  private final List<Thread> replyPumps = new CopyOnWriteArrayList<>();
  private final java.util.Set<Thread> silenced = java.util.concurrent.ConcurrentHashMap.newKeySet();

  RedisProxy(URI target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "redis-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  URI uri() {
    return URI.create("redis://127.0.0.1:" + server.getLocalPort());
  }

  /** Closes every connection and refuses new ones until {@link #restore}. */
  void cut() {
    cut = true;
    closeAll();
  }

  /** From now on, Redis's next answers are dropped and their connection closed. */
  void loseReplies() {
    loseReplies = true;
  }

  /**
   * Points the proxy at another Redis, as a virtual IP or a DNS name moved after a failover: every
   * connection is closed, new ones go to {@code next}.
   */
  void redirect(URI next) {
    target = next;
    closeAll();
  }

  /** From now on, Redis's answers wait in the proxy until {@link #releaseReplies}. */
  synchronized void holdReplies() {
    holdReplies = true;
  }

  /** Lets the answers held by {@link #holdReplies} go on (or be lost, after {@link #loseReplies}). */
  synchronized void releaseReplies() {
    holdReplies = false;
    notifyAll();
  }

  /**
   * From now on, the connections open now carry no answer and are never closed, as connections a
   * NAT or a load balancer dropped without a reset; new connections work.
   */
  synchronized void silenceOpenConnections() {
    silenced.addAll(replyPumps);
  }

  private synchronized void awaitReplies() throws InterruptedException {
    while (holdReplies || silenced.contains(Thread.currentThread())) {
      wait();
    }
  }

  void restore() {
    loseReplies = false;
    cut = false;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (cut) {
          client.close();
          continue;
        }
        Socket upstream = new Socket(target.getHost(), target.getPort());
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream, false);
        pump(upstream, client, true);
      } catch (IOException e) {
        // closed
      }
    }
  }

  private void pump(Socket from, Socket to, boolean replies) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          if (replies) {
            awaitReplies();
          }
          if (replies && loseReplies) {
            from.close();
            to.close();
            return;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        quietly(from);
        quietly(to);
      }
    }, "redis-proxy-pump");
    thread.setDaemon(true);
    if (replies) {
      replyPumps.add(thread);
    }
    thread.start();
  }

  private void closeAll() {
    for (Socket socket : sockets) {
      quietly(socket);
    }
    sockets.clear();
  }

  private static void quietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    closeAll();
  }
}
