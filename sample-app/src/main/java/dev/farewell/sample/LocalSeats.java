package dev.farewell.sample;

import java.util.HashMap;
import java.util.Map;

/** Seats of one instance, in memory. */
final class LocalSeats implements Seats {

  private final int capacity;
  private final Map<String, String> holders = new HashMap<>();

  LocalSeats(int capacity) {
    this.capacity = capacity;
  }

  @Override
  public synchronized boolean take(String sessionId, String user) {
    if (holders.containsKey(sessionId)) {
      return true;
    }
    if (holders.size() >= capacity) {
      return false;
    }
    holders.put(sessionId, user);
    return true;
  }

  @Override
  public synchronized boolean holds(String sessionId) {
    return holders.containsKey(sessionId);
  }

  @Override
  public synchronized void free(String sessionId) {
    holders.remove(sessionId);
  }

  @Override
  public synchronized int inUse() {
    return holders.size();
  }

  @Override
  public int capacity() {
    return capacity;
  }
}
