package dev.farewell.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpSession;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * HttpSessionBridge under racing requests. Requests of one session race (one key per session,
 * remembered while the session lives), while other sessions are dropped and collected (weak
 * values cleared, their entries removed by the callers, never a live session's).
 */
class HttpSessionBridgeRaceTest {

  static HttpSession session() {
    Map<String, Object> attributes = new ConcurrentHashMap<>();
    Object[] self = new Object[1];
    HttpSession session = (HttpSession) Proxy.newProxyInstance(
        HttpSessionBridgeRaceTest.class.getClassLoader(), new Class<?>[] {HttpSession.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "getAttribute" -> attributes.get((String) args[0]);
          case "setAttribute" -> {
            attributes.put((String) args[0], args[1]);
            yield null;
          }
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          case "toString" -> "session";
          default -> null;
        });
    self[0] = session;
    return session;
  }

  @Test
  void racingRequestsOfOneSessionGetOneKeyAndItIsRemembered() throws Exception {
    HttpSessionBridge bridge = HttpSessionBridge.create();
    List<HttpSession> kept = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      kept.add(session());
    }
    Map<HttpSession, String> keys = new ConcurrentHashMap<>();
    List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      futures.add(pool.submit(() -> {
        for (int i = 0; i < 200_000; i++) {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          if (random.nextInt(4) == 0) {
            bridge.keyFor(session()); // a session dropped at once: its weak value is cleared
            continue;
          }
          HttpSession session = kept.get(random.nextInt(kept.size()));
          String key = bridge.keyFor(session);
          String first = keys.putIfAbsent(session, key);
          if (first != null && !first.equals(key)) {
            problems.add("two keys for one session: " + first + " " + key);
          }
          if (!bridge.remembers(key)) {
            problems.add("a live session forgotten: " + key);
          }
          if (i % 50_000 == 0) {
            System.gc();
          }
        }
        return null;
      }));
    }
    for (Future<?> future : futures) {
      future.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(problems).hasSizeLessThan(1);
    for (HttpSession session : kept) {
      assertThat(bridge.remembers(keys.get(session))).isTrue();
    }
  }
}
