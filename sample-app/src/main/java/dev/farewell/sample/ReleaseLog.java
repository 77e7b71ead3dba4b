package dev.farewell.sample;

import java.util.List;

/** The releases the demo saw, oldest first. Thread-safe. */
interface ReleaseLog {

  /** How many entries a log keeps; older ones are dropped. */
  int LIMIT = 1000;

  /** Adds one release. */
  void append(ReleaseRecord record);

  /** Returns the entries, oldest first. */
  List<ReleaseRecord> entries();
}
