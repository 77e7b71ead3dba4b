package dev.farewell.sample.boot;

import dev.farewell.Release;
import dev.farewell.ReleaseListener;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The last releases, for the home page: a {@link ReleaseListener} bean, which the starter adds to
 * the engine. Thread-safe.
 */
@Component
public class RecentReleases implements ReleaseListener {

  private static final int KEPT = 10;

  private final Deque<Release> releases = new ArrayDeque<>();

  @Override
  public synchronized void onRelease(Release release) {
    releases.addFirst(release);
    if (releases.size() > KEPT) {
      releases.removeLast();
    }
  }

  /** The most recent releases, newest first. */
  public synchronized List<Release> list() {
    return List.copyOf(releases);
  }
}
