package dev.farewell.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two demo processes on one Redis with one token secret, behind no balancer, each started from the
 * shaded jar: a page signals to one and exits through the other; the seat frees once and both show
 * that one release.
 */
class TwoInstancesIT {

  private static final String SECRET = "two-instances-test-secret-0123456789";

  @Test
  void aPageThatSignalsToOneInstanceAndExitsThroughTheOtherFreesItsSeatOnce() throws Exception {
    assertThat(DemoProcess.fromJar()).as("started from the shaded jar").isTrue();
    URI redis = RedisSupport.redisOrSkip();
    String group = "farewell-sample-test-" + UUID.randomUUID();
    List<String> args =
        List.of(
            "--port", "0", "--seats", "1", "--store", redis.toString(), "--group", group,
            "--token-secret", SECRET, "--heartbeat-interval", "1s", "--heartbeat-timeout", "5s",
            "--exit-grace", "1s");
    try (DemoProcess a = DemoProcess.start(args);
        DemoProcess b = DemoProcess.start(args)) {
      DemoClient alice = new DemoClient(a.uri());
      assertThat(alice.login("alice").status()).isEqualTo(303);
      assertThat(new DemoClient(b.uri()).login("bob").status())
          .as("the only seat is taken on the other instance")
          .isEqualTo(409);

      Map<String, Object> me = alice.me();
      Object token = me.get("token");
      assertThat(
              alice.beacon(a.uri(), Map.of("v", 1, "type", "open", "token", token, "page", "page-0001",
                  "seq", 1, "hidden", false)).status())
          .isEqualTo(200);
      assertThat(
              alice.beacon(b.uri(), Map.of("v", 1, "type", "heartbeat", "token", token, "page",
                  "page-0001", "seq", 2, "hidden", false)).status())
          .as("the other instance accepts the page's token")
          .isEqualTo(200);
      assertThat(
              alice.beacon(b.uri(), Map.of("v", 1, "type", "exit", "token", token, "page", "page-0001",
                  "seq", 3)).status())
          .isEqualTo(200);

      for (DemoProcess instance : List.of(a, b)) {
        DemoClient viewer = new DemoClient(instance.uri());
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(viewer.releases())
                        .singleElement()
                        .satisfies(
                            r -> {
                              assertThat(r).containsEntry("sessionId", me.get("sessionId"));
                              assertThat(r).containsEntry("reason", "EXIT");
                            }));
      }
      assertThat(new DemoClient(b.uri()).login("bob").status())
          .as("the freed seat can be taken on the other instance")
          .isEqualTo(303);
      // Long enough for a second release (a timeout on the first instance) if there were one.
      await()
          .during(Duration.ofSeconds(6))
          .atMost(Duration.ofSeconds(20))
          .until(() -> new DemoClient(a.uri()).releases().size() == 1);
    } finally {
      RedisSupport.deleteGroup(redis, group);
    }
  }
}
