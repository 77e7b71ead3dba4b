package dev.farewell.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Reads the used heap after full collections, the way the memory figure needs it: several
 * {@code System.gc()} calls until two readings agree, in a JVM started with the serial collector
 * (whose full collection compacts the whole heap, so "used" is what is reachable).
 */
final class HeapMeter {

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private HeapMeter() {}

  static long usedAfterGc() throws InterruptedException {
    long previous = Long.MAX_VALUE;
    long used = 0;
    for (int i = 0; i < 8; i++) {
      System.gc();
      Thread.sleep(50); // let reference processing and finalisation settle between collections
      used = MEMORY.getHeapMemoryUsage().getUsed();
      if (i >= 2 && Math.abs(previous - used) <= used / 1000) {
        break;
      }
      previous = used;
    }
    return used;
  }
}
