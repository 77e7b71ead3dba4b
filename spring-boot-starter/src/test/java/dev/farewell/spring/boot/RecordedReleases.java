package dev.farewell.spring.boot;

import dev.farewell.Release;
import dev.farewell.ReleaseAction;
import dev.farewell.ReleaseListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A release action bean and a release listener bean that record what they were given. */
@Configuration(proxyBeanMethods = false)
class RecordedReleases {

  final List<Release> byAction = new CopyOnWriteArrayList<>();
  final List<Release> byListener = new CopyOnWriteArrayList<>();

  @Bean
  ReleaseAction recordingAction() {
    return release -> {
      byAction.add(release);
      return CompletableFuture.completedFuture(null);
    };
  }

  @Bean
  ReleaseListener recordingListener() {
    return byListener::add;
  }

  List<Release> of(String sessionKey) {
    return byListener.stream().filter(r -> r.sessionKey().equals(sessionKey)).toList();
  }
}
