package dev.farewell.spring.boot;

import dev.farewell.Farewell;
import dev.farewell.ReleaseAction;
import dev.farewell.ReleaseFailureListener;
import dev.farewell.ReleaseListener;
import dev.farewell.beacon.OriginPolicy;
import dev.farewell.beacon.PageTokens;
import dev.farewell.servlet.FarewellServlet;
import dev.farewell.servlet.HttpSessionBridge;
import dev.farewell.spi.SessionStore;
import jakarta.servlet.http.HttpSessionListener;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.session.SessionRepository;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Auto-configuration of Farewell in a Spring Boot servlet application: the engine ({@link
 * Farewell}), the beacon and snippet endpoints ({@link FarewellServlet} on {@code
 * farewell.base-path}), the {@link HttpSessionBridge} and its listener, the Redis store when
 * {@code farewell.store.redis.uri} is set, the {@code farewellScript} model attribute and, with
 * Thymeleaf, the {@code <farewell:script/>} element ({@link FarewellDialect}). Every
 * bean backs off when the application defines its own of the same type. {@link ReleaseAction},
 * {@link ReleaseListener} and {@link ReleaseFailureListener} beans are added to the engine, in
 * their {@code @Order}.
 *
 * <p>Fails the start with an {@link IllegalStateException} naming the property when the sessions
 * are kept in a shared store (several nodes) but {@code farewell.token.secret} is not set, or when
 * {@code farewell.store.redis.uri} is set without farewell-redis on the class path.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(FarewellServlet.class)
@ConditionalOnProperty(prefix = "farewell", name = "enabled", havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(FarewellProperties.class)
public class FarewellAutoConfiguration {

  private static final Logger logger = LoggerFactory.getLogger(FarewellAutoConfiguration.class);

  /** The bridge between {@code HttpSession}s and Farewell sessions. */
  @Bean
  @ConditionalOnMissingBean
  public HttpSessionBridge farewellHttpSessionBridge() {
    return HttpSessionBridge.create();
  }

  /** Which container (or Spring Session) session each Farewell session belongs to. */
  @Bean
  ContainerSessions farewellContainerSessions(ObjectProvider<SessionEnding> endings) {
    return new ContainerSessions(endings);
  }

  /** Records the container session id of each Farewell session, after each request. */
  @Bean
  FilterRegistrationBean<ContainerSessions.Recorder> farewellSessionIdRecorder(
      ContainerSessions sessions) {
    FilterRegistrationBean<ContainerSessions.Recorder> registration =
        new FilterRegistrationBean<>(sessions.recorder());
    registration.setName("farewellSessionIdRecorder");
    // Inside Spring Session's repository filter (MIN_VALUE + 50), so the session it sees is the
    // one Spring Session serves; outside Spring Security's chain, so the id is the one after a
    // login changed it.
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 60);
    return registration;
  }

  /**
   * The engine, configured from {@code farewell.*}; its actions are the container-session ending
   * (Spring Security, Spring Session), then the application's {@link ReleaseAction} and {@link
   * ReleaseListener} beans in order, then the invalidation of the {@code HttpSession}.
   */
  @Bean
  @ConditionalOnMissingBean
  public Farewell farewell(
      FarewellProperties properties,
      HttpSessionBridge bridge,
      ContainerSessions containerSessions,
      ObjectProvider<SessionStore> store,
      ObjectProvider<ReleaseAction> actions,
      ObjectProvider<ReleaseListener> listeners,
      ObjectProvider<ReleaseFailureListener> failureListeners) {
    SessionStore sharedStore = store.getIfAvailable();
    if (sharedStore != null) {
      requireSharedSecret(properties, sharedStore.getClass().getSimpleName());
    }
    Farewell.Builder builder =
        EngineSettings.checked(() -> EngineSettings.apply(properties, Farewell.newBuilder()));
    if (sharedStore != null) {
      builder.store(sharedStore);
    }
    builder.releaseAction(containerSessions.endOnRelease());
    actions.orderedStream().forEach(builder::releaseAction);
    listeners.orderedStream().forEach(builder::onRelease);
    List<ReleaseFailureListener> failures = failureListeners.orderedStream().toList();
    if (!failures.isEmpty()) {
      builder.onReleaseFailure(new FailureListeners(failures));
    }
    builder.releaseAction(bridge.invalidateOnRelease());
    return EngineSettings.checked(builder::build);
  }

  private static void requireSharedSecret(FarewellProperties properties, String store) {
    if (properties.getToken().getSecret() == null) {
      throw new IllegalStateException(
          "farewell.token.secret is not set, but sessions are kept in a shared store (" + store
              + "): every node must sign page tokens with the same secret. Set"
              + " farewell.token.secret to the same random string of at least "
              + PageTokens.MINIMUM_SECRET_BYTES + " bytes on every node.");
    }
  }

  /** The beacon and snippet endpoint, and the helper that gives pages their script tag. */
  @Bean
  @ConditionalOnMissingBean
  public FarewellServlet farewellServlet(
      Farewell farewell, HttpSessionBridge bridge, FarewellProperties properties) {
    FarewellServlet.Builder builder =
        FarewellServlet.newBuilder(farewell)
            .basePath(properties.getBasePath())
            .httpSessionBridge(bridge)
            .pageTokens(pageTokens(properties.getToken()));
    if (!properties.getAllowedOrigins().isEmpty()) {
      builder.originPolicy(OriginPolicy.allowing(properties.getAllowedOrigins()));
    }
    if (properties.getCookieMode() != null) {
      builder.cookieMode(properties.getCookieMode());
    }
    FarewellProperties.RateLimit rate = properties.getRateLimit();
    if (rate.getSignals() != null || rate.getPeriod() != null) {
      if (rate.getSignals() == null || rate.getPeriod() == null) {
        throw new IllegalStateException(
            "farewell.rate-limit.signals and farewell.rate-limit.period must be set together, was "
                + rate.getSignals() + " and " + rate.getPeriod());
      }
      builder.pageRateLimit(rate.getSignals(), rate.getPeriod());
    }
    if (rate.getMaximumPages() != null) {
      builder.maximumRateLimitedPages(rate.getMaximumPages());
    }
    return builder.build();
  }

  private static PageTokens pageTokens(FarewellProperties.Token token) {
    PageTokens.Builder builder = PageTokens.newBuilder();
    if (token.getSecret() == null) {
      logger.info("farewell.token.secret is not set: page tokens are signed with a random secret"
          + " (one node only; pages of this node need a fresh token after a restart)");
    } else {
      builder.secret(utf8("farewell.token.secret", token.getSecret()));
    }
    for (String previous : token.getPreviousSecrets()) {
      builder.previousSecret(utf8("farewell.token.previous-secrets", previous));
    }
    if (token.getMaxAge() != null) {
      builder.maxAge(token.getMaxAge());
    }
    return builder.build();
  }

  private static byte[] utf8(String property, String secret) {
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < PageTokens.MINIMUM_SECRET_BYTES) {
      throw new IllegalArgumentException(
          property + " must have at least " + PageTokens.MINIMUM_SECRET_BYTES
              + " bytes in UTF-8, was " + bytes.length);
    }
    return bytes;
  }

  /** Serves {@code {base}/*}: the beacon endpoint and the snippet. */
  @Bean
  @ConditionalOnMissingBean(name = "farewellServletRegistration")
  public ServletRegistrationBean<FarewellServlet> farewellServletRegistration(
      FarewellServlet servlet) {
    ServletRegistrationBean<FarewellServlet> registration =
        new ServletRegistrationBean<>(servlet, servlet.basePath() + "/*");
    registration.setName("farewell");
    return registration;
  }

  /**
   * Releases a session (as {@code EXPLICIT}) when its {@code HttpSession} is destroyed. A bean of
   * its own, so that Spring Boot registers it with the container and Spring Session (when used)
   * with its sessions.
   */
  @Bean
  @ConditionalOnMissingBean(name = "farewellHttpSessionListener")
  public HttpSessionListener farewellHttpSessionListener(FarewellServlet servlet) {
    return servlet.httpSessionListener();
  }

  /** The Redis store, when {@code farewell.store.redis.uri} is set. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(prefix = "farewell.store.redis", name = "uri")
  static class RedisStoreConfiguration {

    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    SessionStore farewellSessionStore(FarewellProperties properties, ApplicationContext context) {
      if (!ClassUtils.isPresent(RedisStores.STORE_CLASS, context.getClassLoader())) {
        throw new IllegalStateException(
            "farewell.store.redis.uri is set, but farewell-redis is not on the class path: add"
                + " the dependency dev.farewell:farewell-redis, or remove the property to keep"
                + " sessions in memory (one node)");
      }
      // Checked here too, before the store opens its connections.
      requireSharedSecret(properties, "RedisSessionStore");
      // The engine closes its store; Spring must not close it a second time.
      return RedisStores.create(properties.getStore().getRedis());
    }
  }

  /** Deletes the Spring Session of a released session through its repository. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(SessionRepository.class)
  static class SpringSessionConfiguration {

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    SessionEnding farewellSpringSessionDeletion(ObjectProvider<SessionRepository<?>> repository) {
      return new SpringSessionDeletion(repository);
    }
  }

  /** The {@code farewellScript} model attribute for views (Thymeleaf, JSP, Mustache, …). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(DispatcherServlet.class)
  static class PageScriptConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PageScriptAdvice farewellPageScriptAdvice(FarewellServlet servlet) {
      return new PageScriptAdvice(servlet);
    }
  }

  /** The Thymeleaf dialect {@code farewell}: {@code <farewell:script/>} in templates. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.thymeleaf.web.servlet.IServletWebExchange")
  static class ThymeleafDialectConfiguration {

    @Bean
    @ConditionalOnMissingBean
    FarewellDialect farewellDialect(FarewellServlet servlet) {
      return new FarewellDialect(servlet);
    }
  }
}
