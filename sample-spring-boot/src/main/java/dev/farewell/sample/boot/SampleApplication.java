package dev.farewell.sample.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A Spring Security application that allows one session per user and refuses a second login while
 * the first session lives ({@code maxSessionsPreventsLogin(true)}). Without Farewell a user who
 * closed the tab instead of logging out waits for the session timeout (30 minutes); with the
 * starter, seconds.
 */
@SpringBootApplication
public class SampleApplication {

  /** Starts the sample on port 8080 (or {@code --server.port=…}). */
  public static void main(String[] args) {
    SpringApplication.run(SampleApplication.class, args);
  }

  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(requests -> requests
            // the documented one-liner: signals of a page whose login just ended still get an answer
            .requestMatchers("/farewell/**").permitAll()
            .anyRequest().authenticated())
        .formLogin(Customizer.withDefaults())
        .sessionManagement(sessions -> sessions.maximumSessions(1).maxSessionsPreventsLogin(true));
    return http.build();
  }

  /** The demo users alice, bob and carol, each with the password {@code password}. */
  @Bean
  UserDetailsService users() {
    InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
    for (String name : new String[] {"alice", "bob", "carol"}) {
      // {noop}: a plain-text demo password; real applications store hashes
      users.createUser(User.withUsername(name).password("{noop}password").roles("USER").build());
    }
    return users;
  }
}
