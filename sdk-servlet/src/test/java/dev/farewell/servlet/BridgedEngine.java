package dev.farewell.servlet;

import dev.farewell.Farewell;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionListener;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bridge and a real engine on a fake clock, whose release actions are the bridge's invalidation,
 * wired as {@link FarewellServlet} wires them: for the bridge's tests, which serve pages without a
 * container.
 */
final class BridgedEngine implements AutoCloseable {

  final HttpSessionBridge bridge = HttpSessionBridge.create();
  final Farewell farewell;
  final HttpSessionListener listener;
  private final AtomicLong now = new AtomicLong();
  private final ExecutorService releases;

  private BridgedEngine(ExecutorService releases) {
    this.releases = releases;
    Executor executor = releases == null ? Runnable::run : releases;
    farewell = Farewell.newBuilder()
        .ticker(now::get)
        .releaseExecutor(executor)
        .releaseAction(bridge.invalidateOnRelease())
        .build();
    listener = bridge.listener(farewell);
  }

  /** Release actions run on the thread that released the session, before cleanUp returns. */
  static BridgedEngine releasingInline() {
    return new BridgedEngine(null);
  }

  /** Release actions run on a pool of their own, as with the engine's default executor. */
  static BridgedEngine releasingOn(int threads) {
    return new BridgedEngine(Executors.newFixedThreadPool(threads));
  }

  /** Serves a page of {@code session}: tracks its key as the servlet does, and returns the key. */
  String page(HttpSession session) {
    return bridge.tracking(session, key -> {
      farewell.track(key);
      return key;
    });
  }

  /** Lets the open timeout pass: every session none of whose pages opened is released. */
  void openTimeoutPasses() {
    now.addAndGet(farewell.rules().openTimeout().plusSeconds(1).toNanos());
    farewell.cleanUp();
  }

  @Override
  public void close() {
    farewell.close();
    if (releases != null) {
      releases.shutdown();
    }
  }
}
