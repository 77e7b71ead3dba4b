package com.example.seats;

import java.util.HashSet;
import java.util.Set;

/** The example application's own rule: at most a fixed number of users logged in at once. */
public final class Seats {
  private final int count;
  private final Set<String> taken = new HashSet<>();

  public Seats(int count) {
    this.count = count;
  }

  /** Takes a seat for {@code user}; false when every seat is taken by someone else. */
  public synchronized boolean take(String user) {
    if (taken.contains(user)) {
      return true;
    }
    if (taken.size() >= count) {
      return false;
    }
    return taken.add(user);
  }

  public synchronized void free(String user) {
    taken.remove(user);
  }

  public synchronized Set<String> taken() {
    return Set.copyOf(taken);
  }
}
