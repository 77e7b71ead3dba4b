package dev.farewell.spring.boot;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A Spring Security application as the docs show it: form login, one session per user, and a
 * second login refused while the first session lives. Nothing Farewell-specific is wired.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import({TestPages.class, RecordedReleases.class})
class SecuredApp {

  static final String[] USERS = {"alice", "bob", "carol", "dave", "erin", "frank", "grace"};

  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
        .formLogin(Customizer.withDefaults())
        .sessionManagement(sessions -> sessions.maximumSessions(1).maxSessionsPreventsLogin(true));
    return http.build();
  }

  @Bean
  UserDetailsService users() {
    InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
    for (String name : USERS) {
      UserDetails user =
          User.withUsername(name).password("{noop}password").roles("USER").build();
      users.createUser(user);
    }
    return users;
  }
}
