package dev.farewell.spring.boot;

import dev.farewell.Farewell;
import dev.farewell.servlet.FarewellServlet;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.ApplicationContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.CsrfConfigurer;
import org.springframework.security.config.annotation.web.configurers.LogoutConfigurer;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Applied by Spring Security to every {@link HttpSecurity} it builds (listed in {@code
 * META-INF/spring.factories}): exempts {@code POST {farewell.base-path}/beacon} from CSRF
 * protection, which the page token replaces (a forged request cannot carry a valid token), and adds
 * a logout handler that releases the session as {@code EXPLICIT} before the session is
 * invalidated. Does nothing when Farewell or its security support is not configured, and leaves
 * alone a chain whose CSRF protection or logout was turned off.
 *
 * <p>It does not change authorization: a page that is logged in sends its signals with its session
 * cookie. To let signals of a session that has just ended reach the endpoint (they then get a 4xx
 * answer instead of a redirect to the login page), add {@code
 * .requestMatchers("/farewell/**").permitAll()}.
 */
public final class FarewellHttpConfigurer
    extends AbstractHttpConfigurer<FarewellHttpConfigurer, HttpSecurity> {

  /** Called by Spring Security's {@code SpringFactoriesLoader}. */
  public FarewellHttpConfigurer() {}

  @Override
  public void init(HttpSecurity http) {
    ApplicationContext context = http.getSharedObject(ApplicationContext.class);
    if (context == null
        || context.getBeanNamesForType(FarewellSecurityAutoConfiguration.class).length == 0) {
      return;
    }
    FarewellServlet servlet = context.getBeanProvider(FarewellServlet.class).getIfUnique();
    Farewell farewell = context.getBeanProvider(Farewell.class).getIfUnique();
    if (servlet == null || farewell == null) {
      return;
    }
    CsrfConfigurer<HttpSecurity> csrf = csrfOf(http);
    if (csrf != null) {
      String beacon = servlet.basePath() + "/beacon";
      RequestMatcher beaconRequests =
          request -> beacon.equals(pathWithinApplication(request));
      csrf.ignoringRequestMatchers(beaconRequests);
    }
    LogoutConfigurer<HttpSecurity> logout = logoutOf(http);
    if (logout != null) {
      logout.addLogoutHandler(new FarewellLogoutHandler(farewell, servlet));
    }
  }

  @SuppressWarnings("unchecked")
  private static CsrfConfigurer<HttpSecurity> csrfOf(HttpSecurity http) {
    return http.getConfigurer(CsrfConfigurer.class);
  }

  @SuppressWarnings("unchecked")
  private static LogoutConfigurer<HttpSecurity> logoutOf(HttpSecurity http) {
    return http.getConfigurer(LogoutConfigurer.class);
  }

  private static String pathWithinApplication(HttpServletRequest request) {
    String uri = request.getRequestURI();
    String context = request.getContextPath();
    return context != null && uri.startsWith(context) ? uri.substring(context.length()) : uri;
  }
}
