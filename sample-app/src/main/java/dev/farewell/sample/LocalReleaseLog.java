package dev.farewell.sample;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** The release log of one instance, in memory. */
final class LocalReleaseLog implements ReleaseLog {

  private final Deque<ReleaseRecord> entries = new ArrayDeque<>();

  @Override
  public synchronized void append(ReleaseRecord record) {
    entries.addLast(record);
    while (entries.size() > LIMIT) {
      entries.removeFirst();
    }
  }

  @Override
  public synchronized List<ReleaseRecord> entries() {
    return List.copyOf(entries);
  }
}
