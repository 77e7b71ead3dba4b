package dev.farewell.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.farewell.Farewell;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import dev.farewell.redis.RedisSessionStore;
import dev.farewell.servlet.FarewellServlet;
import dev.farewell.servlet.HttpSessionBridge;
import dev.farewell.spi.SessionStore;
import jakarta.servlet.http.HttpSessionListener;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.web.session.HttpSessionEventPublisher;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;

/** Which beans the auto-configuration makes, from which properties, and when it refuses to start. */
class FarewellAutoConfigurationTest {

  private static final String SECRET = "farewell.token.secret=a-test-secret-of-at-least-32-bytes!!";

  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(
          FarewellAutoConfiguration.class, FarewellSecurityAutoConfiguration.class));

  @Test
  void startsTheEngineEndpointsBridgeAndListenerWithNoProperty() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(Farewell.class);
      assertThat(context).hasSingleBean(FarewellServlet.class);
      assertThat(context).hasSingleBean(HttpSessionBridge.class);
      assertThat(context).hasBean("farewellHttpSessionListener");
      assertThat(context.getBean("farewellHttpSessionListener"))
          .isInstanceOf(HttpSessionListener.class);
      ServletRegistrationBean<?> registration =
          (ServletRegistrationBean<?>) context.getBean("farewellServletRegistration");
      assertThat(registration.getUrlMappings()).containsExactly("/farewell/*");
      assertThat(context).doesNotHaveBean(SessionStore.class);
    });
  }

  @Test
  void propertiesReachTheEngineAndTheEndpoint() {
    runner.withPropertyValues(
            "farewell.heartbeat-interval=2s", "farewell.heartbeat-timeout=7s",
            "farewell.base-path=/bye", SECRET)
        .run(context -> {
          assertThat(context.getBean(Farewell.class).rules().heartbeatInterval())
              .isEqualTo(Duration.ofSeconds(2));
          assertThat(context.getBean(FarewellServlet.class).basePath()).isEqualTo("/bye");
          assertThat(((ServletRegistrationBean<?>) context.getBean("farewellServletRegistration"))
              .getUrlMappings()).containsExactly("/bye/*");
        });
  }

  @Test
  void anEngineValueOutOfRangeFailsTheStartWithTheBuildersMessage() {
    runner.withPropertyValues("farewell.heartbeat-interval=10s", "farewell.heartbeat-timeout=5s")
        .run(context -> assertThat(context).getFailure().hasStackTraceContaining(
            "Invalid farewell.* properties: farewell.heartbeat-timeout must be >"
                + " farewell.heartbeat-interval"));
  }

  @Test
  void farewellEnabledFalseConfiguresNothing() {
    runner.withPropertyValues("farewell.enabled=false").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(Farewell.class);
      assertThat(context).doesNotHaveBean(FarewellServlet.class);
      assertThat(context).doesNotHaveBean(SessionRegistry.class);
    });
  }

  @Test
  void applicationsOwnEngineReplacesTheStartersAndServesTheEndpoint() {
    runner.withUserConfiguration(OwnEngine.class).run(context -> {
      assertThat(context).hasSingleBean(Farewell.class);
      assertThat(context.getBean(Farewell.class)).isSameAs(context.getBean("ownEngine"));
      assertThat(context.getBean(Farewell.class).rules().heartbeatInterval())
          .isEqualTo(Duration.ofSeconds(1));
      assertThat(context).hasSingleBean(FarewellServlet.class);
    });
  }

  @Test
  void aSecretShorterThan32BytesFailsTheStartNamingTheProperty() {
    runner.withPropertyValues("farewell.token.secret=short")
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("farewell.token.secret must have at least 32 bytes"));
  }

  @Test
  void rateLimitSignalsWithoutAPeriodFailsTheStart() {
    runner.withPropertyValues("farewell.rate-limit.signals=5")
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("farewell.rate-limit.signals and farewell.rate-limit.period"));
  }

  @Test
  void redisUriSelectsTheRedisStore() {
    runner.withPropertyValues("farewell.store.redis.uri=redis://127.0.0.1:6379",
            "farewell.store.redis.key-prefix=farewell-spring-test-" + UUID.randomUUID(), SECRET)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(SessionStore.class)).isInstanceOf(RedisSessionStore.class);
        });
  }

  /**
   * The connection properties reach the store: on a Redis of the test's own paused longer than
   * {@code read-timeout}, a signal is answered from the node's memory within it.
   */
  @Test
  void redisConnectionPropertiesReachTheStore() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process redis;
    try {
      redis = new ProcessBuilder("redis-server", "--port", "" + port, "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      Assumptions.abort("redis-server could not be started: " + e);
      return;
    }
    try {
      Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
          return "PONG".equals(jedis.ping());
        }
      });
      runner.withPropertyValues("farewell.store.redis.uri=redis://127.0.0.1:" + port,
              "farewell.store.redis.maximum-connections=4",
              "farewell.store.redis.pool-timeout=200ms",
              "farewell.store.redis.connect-timeout=300ms",
              "farewell.store.redis.read-timeout=300ms", SECRET)
          .run(context -> {
            assertThat(context).hasNotFailed();
            Farewell farewell = context.getBean(Farewell.class);
            SessionStore store = context.getBean(SessionStore.class);
            farewell.signal(Signal.of(SignalType.OPEN, "s", "p", 1));
            try (Jedis control = new Jedis("127.0.0.1", port)) {
              control.clientPause(2_000, ClientPauseMode.ALL);
            }
            long start = System.nanoTime();
            assertThat(farewell.signal(Signal.of(SignalType.EXIT, "s", "p", 2)).status())
                .isEqualTo(SignalResult.Status.EXITING);
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms to answer the exit")
                .isLessThan(900);
            assertThat(store.isServing()).as("answered from the node's memory").isFalse();
          });
    } finally {
      redis.destroyForcibly().waitFor();
    }
  }

  @Test
  void aRedisPoolSmallerThanTheStoreNeedsFailsTheStartSayingSo() {
    runner.withPropertyValues("farewell.store.redis.uri=redis://127.0.0.1:6379",
            "farewell.store.redis.maximum-connections=2", SECRET)
        .run(context -> assertThat(context).getFailure().rootCause()
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("maximumConnections must be >= 4")
            .hasMessageContaining("was 2"));
  }

  @Test
  void sharedStoreWithoutASecretFailsTheStartNamingTheProperty() {
    runner.withPropertyValues("farewell.store.redis.uri=redis://127.0.0.1:6379")
        .run(context -> assertThat(context).getFailure().rootCause()
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("farewell.token.secret is not set")
            .hasMessageContaining("shared store"));
  }

  @Test
  void applicationsOwnStoreWithoutASecretFailsTheStartToo() {
    runner.withUserConfiguration(OwnStore.class)
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("farewell.token.secret is not set"));
  }

  @Test
  void redisUriWithoutFarewellRedisFailsTheStartNamingTheDependency() {
    runner.withClassLoader(new FilteredClassLoader("dev.farewell.redis"))
        .withPropertyValues("farewell.store.redis.uri=redis://127.0.0.1:6379", SECRET)
        .run(context -> assertThat(context).getFailure().rootCause()
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("dev.farewell:farewell-redis"));
  }

  @Test
  void springSecuritySupportProvidesTheRegistryAndSessionEventPublisher() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(SessionRegistry.class);
      assertThat(context).hasSingleBean(HttpSessionEventPublisher.class);
    });
  }

  @Test
  void withoutSpringSecurityOnTheClassPathTheRestStillStarts() {
    runner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).hasSingleBean(FarewellServlet.class);
          assertThat(context).doesNotHaveBean(FarewellSecurityAutoConfiguration.class);
        });
  }

  @Test
  void securitySupportCanBeTurnedOff() {
    runner.withPropertyValues("farewell.security.enabled=false").run(context -> {
      assertThat(context).hasSingleBean(FarewellServlet.class);
      assertThat(context).doesNotHaveBean(SessionRegistry.class);
    });
  }

  @Test
  void theThymeleafDialectComesWithThymeleafAndGoesWithoutIt() {
    runner.run(context -> assertThat(context).hasSingleBean(FarewellDialect.class));
    runner.withClassLoader(new FilteredClassLoader("org.thymeleaf")).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(FarewellServlet.class);
      assertThat(context).doesNotHaveBean(FarewellDialect.class);
    });
  }

  @Test
  void anApplicationsOwnDialectReplacesTheStartersOne() {
    runner.withUserConfiguration(OwnDialect.class).run(context -> {
      assertThat(context).hasSingleBean(FarewellDialect.class);
      assertThat(context).hasBean("ownDialect");
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnDialect {
    @Bean
    FarewellDialect ownDialect(FarewellServlet servlet) {
      return new FarewellDialect(servlet);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnEngine {
    @Bean
    Farewell ownEngine() {
      return Farewell.newBuilder().heartbeatInterval(Duration.ofSeconds(1)).build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnStore {
    @Bean(destroyMethod = "")
    SessionStore ownStore() {
      return RedisSessionStore.newBuilder().redisUri("redis://127.0.0.1:6379")
          .keyPrefix("farewell-spring-test-" + UUID.randomUUID()).build();
    }
  }
}
