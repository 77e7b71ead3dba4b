package dev.farewell.testing;

import dev.farewell.Release;
import dev.farewell.ReleaseListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ReleaseListener} that remembers every release it is told of, in order, and counts how
 * often each session key was released (to check "exactly once"). Thread-safe.
 */
public final class CollectingReleaseListener implements ReleaseListener {

  private final ConcurrentLinkedQueue<Release> releases = new ConcurrentLinkedQueue<>();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  @Override
  public void onRelease(Release release) {
    releases.add(release);
    counts.computeIfAbsent(release.sessionKey(), key -> new AtomicInteger()).incrementAndGet();
  }

  /** Every release so far, oldest first. */
  public List<Release> releases() {
    return new ArrayList<>(releases);
  }

  /** The session keys released so far, oldest first. */
  public List<String> keys() {
    return releases.stream().map(Release::sessionKey).toList();
  }

  /** The release of {@code sessionKey}, if there was one (the first, if there were several). */
  public Optional<Release> releaseOf(String sessionKey) {
    return releases.stream().filter(r -> r.sessionKey().equals(sessionKey)).findFirst();
  }

  /** How often {@code sessionKey} was released (1 is the only right answer for a released one). */
  public int count(String sessionKey) {
    AtomicInteger count = counts.get(sessionKey);
    return count == null ? 0 : count.get();
  }

  /** How many releases were told so far. */
  public int size() {
    return releases.size();
  }

  /** The keys released more than once (empty when the engine keeps its promise). */
  public List<String> releasedMoreThanOnce() {
    return counts.entrySet().stream()
        .filter(e -> e.getValue().get() > 1)
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /** Forgets everything collected so far. */
  public void clear() {
    releases.clear();
    counts.clear();
  }
}
