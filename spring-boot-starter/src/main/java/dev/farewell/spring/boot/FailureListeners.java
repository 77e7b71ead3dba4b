package dev.farewell.spring.boot;

import dev.farewell.Release;
import dev.farewell.ReleaseFailureListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells every {@link ReleaseFailureListener} bean; one that throws does not stop the others. */
final class FailureListeners implements ReleaseFailureListener {

  private static final Logger logger = LoggerFactory.getLogger(FailureListeners.class);

  private final List<ReleaseFailureListener> listeners;

  FailureListeners(List<ReleaseFailureListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public void onFailure(Release release, Throwable cause) {
    for (ReleaseFailureListener listener : listeners) {
      try {
        listener.onFailure(release, cause);
      } catch (RuntimeException e) {
        logger.warn("Release failure listener {} threw for session {}", listener,
            release.sessionKey(), e);
      }
    }
  }
}
