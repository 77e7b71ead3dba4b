package dev.farewell.beacon;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The handler's refusals, counted by HTTP status: one striped counter per status the handler can
 * answer with, made once. Thread-safe.
 */
final class Refusals {

  /** Every status a {@link Rejection} carries. */
  static final int[] STATUSES = {400, 401, 403, 405, 413, 415, 429, 503};

  private final LongAdder[] counts = new LongAdder[STATUSES.length];

  Refusals() {
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  void count(int status) {
    for (int i = 0; i < STATUSES.length; i++) {
      if (STATUSES[i] == status) {
        counts[i].increment();
        return;
      }
    }
    // Not reached: RefusalsTest checks that every status of a Rejection is listed.
  }

  /** Every status, in order, with its count (zero included). */
  Map<Integer, Long> snapshot() {
    Map<Integer, Long> snapshot = new TreeMap<>();
    for (int i = 0; i < STATUSES.length; i++) {
      snapshot.put(STATUSES[i], counts[i].sum());
    }
    return Collections.unmodifiableMap(snapshot);
  }
}
