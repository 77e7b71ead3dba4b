package dev.farewell.spring.boot;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.session.MapSession;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.config.annotation.web.http.EnableSpringHttpSession;

/** {@link SecuredApp} with its sessions kept by Spring Session, in a map the test can read. */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableSpringHttpSession
@Import({SecuredApp.class})
class SpringSessionApp {

  static final Map<String, Session> SESSIONS = new ConcurrentHashMap<>();

  @Bean
  MapSessionRepository sessionRepository() {
    MapSessionRepository repository = new MapSessionRepository(SESSIONS);
    repository.setDefaultMaxInactiveInterval(MapSession.DEFAULT_MAX_INACTIVE_INTERVAL);
    return repository;
  }
}
