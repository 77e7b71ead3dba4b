package dev.farewell.spring.boot;

import dev.farewell.servlet.FarewellServlet;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.session.SessionRegistryImpl;
import org.springframework.security.web.session.HttpSessionEventPublisher;

/**
 * Spring Security support: a release ({@code EXIT}, {@code TIMEOUT}) expires the session's {@link
 * org.springframework.security.core.session.SessionInformation} in the {@link SessionRegistry} and
 * the {@code HttpSession} is invalidated, so {@code maximumSessions(1).maxSessionsPreventsLogin(true)}
 * lets the user back in as soon as the last page is gone. Provides the {@link SessionRegistry}
 * (which Spring Security's concurrency control picks up) and the {@link HttpSessionEventPublisher}
 * when the application has none. {@link FarewellHttpConfigurer}, applied to every {@code
 * HttpSecurity}, adds the logout handler and exempts the beacon endpoint from CSRF protection.
 * A login starts watching its session at once ({@link LoginTracking}), so a tab closed before its
 * first page frees the login after the open timeout. Off with {@code
 * farewell.security.enabled=false}.
 */
@AutoConfiguration(after = FarewellAutoConfiguration.class)
@ConditionalOnClass({SessionRegistry.class, HttpSessionEventPublisher.class})
@ConditionalOnBean(FarewellServlet.class)
@ConditionalOnProperty(prefix = "farewell.security", name = "enabled", havingValue = "true",
    matchIfMissing = true)
public class FarewellSecurityAutoConfiguration {

  /** The registry of logged-in sessions that concurrency control counts. */
  @Bean
  @ConditionalOnMissingBean
  public SessionRegistry sessionRegistry() {
    return new SessionRegistryImpl();
  }

  /**
   * Tells the registry when the container destroys a session or changes its id; Spring Boot
   * registers it with the container.
   */
  @Bean
  @ConditionalOnMissingBean
  public HttpSessionEventPublisher httpSessionEventPublisher() {
    return new HttpSessionEventPublisher();
  }

  @Bean
  LoginTracking farewellLoginTracking(FarewellServlet servlet) {
    return new LoginTracking(servlet);
  }

  @Bean
  SessionEnding farewellSessionRegistryExpiry(SessionRegistry registry) {
    return new SessionRegistryExpiry(registry);
  }
}
