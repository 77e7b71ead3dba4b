package dev.farewell.redis;

import dev.farewell.redis.SeenSessions.PageRef;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ObjLongConsumer;

/**
 * When the pages' unwritten signals fall due: each page is filed under the slot, one sweep
 * interval long, in which its signal must be written, so that a sweep looks at the slots begun
 * instead of at every signal kept. A slot is named by its first instant (a ticker reading); one
 * that begins by a sweep's {@code now} holds the signals due by then and some due by the next
 * sweep. {@link SeenSessions} files and unfiles a page only while it holds the page's entry in its
 * map of unwritten signals (inside that map's {@code merge} or {@code computeIfPresent}), so that
 * a page is filed once, under the slot of the signal it keeps. Thread-safe: the set of a slot
 * changes only inside {@code compute} of this map, so a page filed after the last page of a slot
 * left it lands in a new set, never in one dropped from the map.
 */
final class WriteSchedule {

  private final long slotLength;
  private final ConcurrentHashMap<Long, Set<PageRef>> slots = new ConcurrentHashMap<>();
  /** Pages looked at by sweeps so far (for tests and benchmarks). */
  private final LongAdder visited = new LongAdder();

  WriteSchedule(Duration slotLength) {
    this.slotLength = Math.max(1, slotLength.toNanos());
  }

  /** The slot of a ticker reading: the reading rounded down to a whole slot. */
  long slotOf(long at) {
    return at - Math.floorMod(at, slotLength);
  }

  void file(PageRef page, long flushAt) {
    slots.compute(slotOf(flushAt), (slot, pages) -> {
      Set<PageRef> filed = pages == null ? ConcurrentHashMap.newKeySet() : pages;
      filed.add(page);
      return filed;
    });
  }

  void unfile(PageRef page, long flushAt) {
    slots.computeIfPresent(slotOf(flushAt), (slot, pages) -> {
      pages.remove(page);
      return pages.isEmpty() ? null : pages;
    });
  }

  /** Files a page whose signal now falls due at {@code to} instead of {@code from}. */
  void move(PageRef page, long from, long to) {
    if (slotOf(from) != slotOf(to)) {
      // Filed under the new slot before leaving the old one: a sweep finds it in one or both.
      file(page, to);
      unfile(page, from);
    }
  }

  /** Hands each page filed under a slot begun by {@code now} to {@code action}, with its slot. */
  void forEachBegun(long now, ObjLongConsumer<PageRef> action) {
    long seen = 0;
    for (Map.Entry<Long, Set<PageRef>> slot : slots.entrySet()) {
      long begins = slot.getKey();
      if (now - begins >= 0) {
        for (PageRef page : slot.getValue()) {
          seen++;
          action.accept(page, begins);
        }
      }
    }
    visited.add(seen);
  }

  long visited() {
    return visited.sum();
  }

  /** How many pages are filed (for tests); counts every slot. */
  int size() {
    int size = 0;
    for (Set<PageRef> pages : slots.values()) {
      size += pages.size();
    }
    return size;
  }
}
