package dev.farewell.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.servlet.HttpSessionBridge;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;

/**
 * Review probe: docs/spring-boot.md ("Spring Session") promises that with a shared store a release
 * "deletes the session through SessionRepository.deleteById, so the login ends on every node".
 */
class ContainerSessionsAcrossNodesTest {

  /*
   * DEFECT: ContainerSessions keeps the session id of each Farewell session in a node-local
   * Caffeine cache (ContainerSessions.java:186, filled by Recorder after each request on *that*
   * node), and endOnRelease (ContainerSessions.java:213-229) does nothing when its own node never
   * saw a request of the session. With the Redis store, the release of a session runs on whichever
   * node's sweeper claims it (docs/multi-node.md), typically not the node that served the page. Then
   * no SessionEnding runs: the Spring Session is not deleted and the SessionRegistry entry is not
   * expired, so the login does not end and, with maximumSessions(1).maxSessionsPreventsLogin(true)
   * (SpringSessionBackedSessionRegistry), the user stays locked out until Spring Session's own
   * timeout — the exact situation the starter claims to fix. The id should travel with the session
   * (e.g. in the release's attributes / the shared store), not in one node's memory.
   */
  @Test
  void aReleaseRunOnAnotherNodeStillEndsTheSpringSessionOfTheLogin() throws Exception {
    List<String> ended = new CopyOnWriteArrayList<>();
    ContainerSessions nodeA = containerSessions(ended);
    ContainerSessions nodeB = containerSessions(ended);

    // The page of the login was served by node A: A notes the Spring Session id.
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/home");
    MockHttpSession session = new MockHttpSession(null, "spring-session-id-1");
    session.setAttribute(HttpSessionBridge.SESSION_KEY_ATTRIBUTE, "farewell-key-1");
    request.setSession(session);
    nodeA.recorder().doFilter(request, new MockHttpServletResponse(), new MockFilterChain());
    assertThat(nodeA.idOf("farewell-key-1")).isEqualTo("spring-session-id-1");

    // The tab closed; node B's sweeper claimed the due session and runs the release actions.
    Instant now = Instant.now();
    nodeB.endOnRelease().run(new Release("farewell-key-1", ReleaseReason.EXIT, Map.of(),
        now.minusSeconds(60), now.minusSeconds(4), now.minusSeconds(1), now)).toCompletableFuture().get();

    assertThat(ended).as("Spring Session ids ended by the release").contains("spring-session-id-1");
  }

  private static ContainerSessions containerSessions(List<String> ended) {
    DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
    SessionEnding ending = (id, release) -> ended.add(id);
    beans.registerSingleton("ending", ending);
    return new ContainerSessions(beans.getBeanProvider(SessionEnding.class));
  }
}
