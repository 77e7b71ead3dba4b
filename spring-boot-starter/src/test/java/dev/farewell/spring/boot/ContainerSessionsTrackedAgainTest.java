package dev.farewell.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.servlet.FarewellServlet;
import dev.farewell.servlet.HttpSessionBridge;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpSession;

/**
 * The release of a login decided, its actions waiting for the release executor, when the user
 * loads a page of the same session: the page tracks the key again, a new Farewell session whose
 * login the container session now is. The release must end that login nowhere: not in the
 * endings (Spring Security's registry, Spring Session), not by invalidating the HttpSession.
 */
class ContainerSessionsTrackedAgainTest {

  @Test
  void aReleaseEndsNoLoginWhoseKeyAPageTrackedAgainBeforeItsActionsRan() {
    List<String> ended = new CopyOnWriteArrayList<>();
    HttpSessionBridge bridge = HttpSessionBridge.create();
    ContainerSessions containerSessions =
        ContainerSessionsAcrossNodesTest.containerSessions(bridge, ended);
    Queue<Runnable> releaseTasks = new ConcurrentLinkedQueue<>();
    AtomicLong now = new AtomicLong();
    try (Farewell farewell = Farewell.newBuilder()
        .ticker(now::get)
        .releaseExecutor(releaseTasks::add)
        .releaseAction(containerSessions.endOnRelease())
        .releaseAction(bridge.invalidateOnRelease())
        .build()) {
      FarewellServlet servlet = FarewellServlet.newBuilder(farewell)
          .httpSessionBridge(bridge)
          .build();
      MockHttpSession session = new MockHttpSession(null, "container-session-1");
      servlet.track(request(session),
          Map.of(ContainerSessions.SESSION_ID_ATTRIBUTE, session.getId()));
      String key = servlet.sessionKey(session).orElseThrow();

      // No page of the login opens: the open timeout releases it; its actions wait.
      now.addAndGet(farewell.rules().openTimeout().plusSeconds(1).toNanos());
      farewell.cleanUp();
      assertThat(releaseTasks).as("the release's actions, waiting").isNotEmpty();

      servlet.pageToken(request(session)); // the user is back
      assertThat(farewell.session(key)).as("the key's new session").isPresent();
      Runnable task;
      while ((task = releaseTasks.poll()) != null) {
        task.run();
      }

      assertThat(ended).as("container sessions ended").isEmpty();
      assertThat(session.isInvalid()).as("the HttpSession invalidated").isFalse();
      assertThat(farewell.session(key)).as("the key's new session").isPresent();
    }
  }

  private static MockHttpServletRequest request(MockHttpSession session) {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/page");
    request.setSession(session);
    return request;
  }
}
