package dev.farewell.spring.boot;

import dev.farewell.Release;
import dev.farewell.StatsListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The most recent releases of the engine, newest first, for the {@code farewell} Actuator
 * endpoint: a bounded ring of what is safe to show. Thread-safe; it runs on the release path, not
 * on the signal path.
 */
final class RecentReleases implements StatsListener {

  /** How many releases the ring keeps. */
  static final int CAPACITY = 50;

  private final Deque<FarewellEndpoint.RecentRelease> releases = new ArrayDeque<>(CAPACITY);

  @Override
  public void released(Release release) {
    FarewellEndpoint.RecentRelease shown = FarewellEndpoint.RecentRelease.of(release);
    synchronized (releases) {
      if (releases.size() == CAPACITY) {
        releases.removeLast();
      }
      releases.addFirst(shown);
    }
  }

  /** The releases kept, newest first. */
  List<FarewellEndpoint.RecentRelease> newestFirst() {
    synchronized (releases) {
      return new ArrayList<>(releases);
    }
  }
}
