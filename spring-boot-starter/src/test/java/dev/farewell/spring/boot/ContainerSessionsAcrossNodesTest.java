package dev.farewell.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.servlet.FarewellServlet;
import dev.farewell.servlet.HttpSessionBridge;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * docs/spring-boot.md ("Spring Session") promises that with a shared store a release "deletes the
 * session through SessionRepository.deleteById, so the login ends on every node": the release of
 * a session often runs on a node that never served it (the one whose sweeper claimed it), so the
 * login's session id must travel with the Farewell session, not stay in one node's memory.
 */
class ContainerSessionsAcrossNodesTest {

  @Test
  void aReleaseRunOnAnotherNodeEndsTheSpringSessionOfTheLogin() throws Exception {
    List<String> ended = new CopyOnWriteArrayList<>();
    ContainerSessions nodeB = containerSessions(ended);
    try (Farewell nodeA = Farewell.newBuilder().build()) {
      FarewellServlet servletA = FarewellServlet.newBuilder(nodeA).build();

      // Node A serves the login: Spring Security has changed the session id, then publishes this.
      MockHttpServletRequest request = new MockHttpServletRequest("POST", "/login");
      request.setSession(new MockHttpSession(null, "spring-session-id-1"));
      RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
      try {
        new LoginTracking(servletA).onApplicationEvent(new InteractiveAuthenticationSuccessEvent(
            new TestingAuthenticationToken("carol", "password"), LoginTracking.class));
      } finally {
        RequestContextHolder.resetRequestAttributes();
      }
      String key = (String) request.getSession().getAttribute(
          HttpSessionBridge.SESSION_KEY_ATTRIBUTE);
      assertThat(key).as("the login is watched from the login on").isNotNull();
      var tracked = nodeA.session(key).orElseThrow();

      // The tab closed; node B's sweeper claimed the due session (its shared store hands over the
      // attributes tracked on node A) and runs the release actions.
      Instant now = Instant.now();
      nodeB.endOnRelease().run(new Release(key, ReleaseReason.EXIT, tracked.attributes(),
          now.minusSeconds(60), now.minusSeconds(4), now.minusSeconds(1), now))
          .toCompletableFuture().get();
    }

    assertThat(ended).as("Spring Session ids ended by the release")
        .containsExactly("spring-session-id-1");
  }

  @Test
  void anExplicitReleaseEndsNoSessionThroughTheEndings() throws Exception {
    List<String> ended = new CopyOnWriteArrayList<>();
    Instant now = Instant.now();
    containerSessions(ended).endOnRelease().run(new Release("farewell-key-2",
        ReleaseReason.EXPLICIT, java.util.Map.of(ContainerSessions.SESSION_ID_ATTRIBUTE, "id-2"),
        now.minusSeconds(60), now.minusSeconds(4), now.minusSeconds(1), now))
        .toCompletableFuture().get();

    assertThat(ended).isEmpty();
  }

  private static ContainerSessions containerSessions(List<String> ended) {
    DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
    SessionEnding ending = (id, release) -> ended.add(id);
    beans.registerSingleton("ending", ending);
    return new ContainerSessions(beans.getBeanProvider(SessionEnding.class));
  }
}
