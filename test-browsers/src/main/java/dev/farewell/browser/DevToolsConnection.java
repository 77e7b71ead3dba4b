package dev.farewell.browser;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * A small client of the Chrome DevTools protocol over one WebSocket (a page's or the browser's):
 * it sends commands and waits for their answers, and records the events it receives.
 *
 * <p>Thread-safe. See https://chromedevtools.github.io/devtools-protocol/.
 */
public final class DevToolsConnection implements AutoCloseable {

  /** How long a command may take by default. */
  public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

  private static final int MAXIMUM_EVENTS = 10_000;

  private final WebSocket socket;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<Map<String, Object>>> pending =
      new ConcurrentHashMap<>();
  private final List<Map<String, Object>> events = new ArrayList<>();
  private final CompletableFuture<Void> opened = new CompletableFuture<>();
  private volatile String closedBecause;

  private DevToolsConnection(OkHttpClient client, String webSocketUrl) {
    this.socket =
        client.newWebSocket(new Request.Builder().url(webSocketUrl).build(), new Listener());
  }

  /**
   * Connects to a DevTools WebSocket ({@code webSocketDebuggerUrl}) and waits until it is open.
   *
   * @throws DevToolsException if the connection cannot be opened within the command timeout
   */
  public static DevToolsConnection open(OkHttpClient client, String webSocketUrl) {
    DevToolsConnection connection = new DevToolsConnection(client, webSocketUrl);
    try {
      connection.opened.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      connection.close();
      throw new DevToolsException("interrupted while connecting to " + webSocketUrl, e);
    } catch (ExecutionException | TimeoutException e) {
      connection.close();
      throw new DevToolsException("cannot connect to " + webSocketUrl, e);
    }
    return connection;
  }

  /** Sends a command without parameters and waits for its result. */
  public Map<String, Object> send(String method) {
    return send(method, Map.of());
  }

  /**
   * Sends a command and waits for its result, up to {@link #COMMAND_TIMEOUT}.
   *
   * @throws DevToolsException if the browser answers with an error, the connection breaks, or no
   *     answer comes in time
   */
  public Map<String, Object> send(String method, Map<String, Object> params) {
    CompletableFuture<Map<String, Object>> answer = sendAsync(method, params);
    try {
      return answer.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DevToolsException("interrupted while waiting for " + method, e);
    } catch (ExecutionException e) {
      throw new DevToolsException(method + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new DevToolsException(method + " got no answer within " + COMMAND_TIMEOUT, e);
    }
  }

  /**
   * Sends a command and returns at once; the stage completes with the command's result. Useful
   * for commands whose answer may never come, like {@code Page.crash}.
   */
  public CompletableFuture<Map<String, Object>> sendAsync(
      String method, Map<String, Object> params) {
    long id = ids.incrementAndGet();
    CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
    String why = closedBecause;
    if (why != null) {
      answer.completeExceptionally(new DevToolsException("connection closed: " + why));
      return answer;
    }
    pending.put(id, answer);
    String message = JsonValues.write(Map.of("id", id, "method", method, "params", params));
    if (!socket.send(message)) {
      pending.remove(id);
      answer.completeExceptionally(new DevToolsException("connection closed"));
    }
    return answer;
  }

  /** The events received so far with the given method name (such as {@code Page.loadEventFired}). */
  public List<Map<String, Object>> events(String method) {
    List<Map<String, Object>> found = new ArrayList<>();
    synchronized (events) {
      for (Map<String, Object> event : events) {
        if (method.equals(event.get("method"))) {
          found.add(event);
        }
      }
    }
    return found;
  }

  /** Whether the connection is closed (the page or the browser went away, or {@link #close()}). */
  public boolean isClosed() {
    return closedBecause != null;
  }

  /** Closes the WebSocket. Idempotent. */
  @Override
  public void close() {
    fail("closed by the client");
    socket.cancel();
  }

  private void fail(String why) {
    if (closedBecause == null) {
      closedBecause = why;
    }
    opened.completeExceptionally(new DevToolsException(why));
    for (Long id : List.copyOf(pending.keySet())) {
      CompletableFuture<Map<String, Object>> answer = pending.remove(id);
      if (answer != null) {
        answer.completeExceptionally(new DevToolsException("connection closed: " + why));
      }
    }
  }

  private final class Listener extends WebSocketListener {
    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      opened.complete(null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onMessage(WebSocket webSocket, String text) {
      Map<String, Object> message = JsonValues.object(text);
      Object id = message.get("id");
      if (id instanceof Long) {
        CompletableFuture<Map<String, Object>> answer = pending.remove(id);
        if (answer == null) {
          return;
        }
        Object error = message.get("error");
        if (error != null) {
          answer.completeExceptionally(new DevToolsException(String.valueOf(error)));
        } else {
          Object result = message.get("result");
          answer.complete(result instanceof Map ? (Map<String, Object>) result : Map.of());
        }
        return;
      }
      synchronized (events) {
        if (events.size() < MAXIMUM_EVENTS) {
          events.add(message);
        }
      }
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      fail("closed by the browser (" + code + ")");
      webSocket.close(1000, null);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
      fail(String.valueOf(t));
    }
  }
}
