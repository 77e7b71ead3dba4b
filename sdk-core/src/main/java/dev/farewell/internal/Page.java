package dev.farewell.internal;

import dev.farewell.PageState;
import dev.farewell.PageView;
import dev.farewell.spi.StoreContext;

/**
 * One page of a {@link Session}. Mutable; only touched inside the atomic update of its session.
 * Pages form a singly linked list (a session almost always has one page, and an array or a map would
 * cost more than the link for that case).
 */
final class Page {

  final String id;
  long sequence;
  long lastSignalAt;
  PageState state;
  Page next;

  Page(String id) {
    this.id = id;
  }

  /** Whether the page still counts as open at {@code now}. */
  boolean isAlive(long now, Timeouts timeouts) {
    return state != PageState.EXITED && deadline(timeouts) - now > 0;
  }

  /** When the page counts as gone if it sends nothing more (its exit time once it exited). */
  long deadline(Timeouts timeouts) {
    switch (state) {
      case VISIBLE:
        return lastSignalAt + timeouts.heartbeat;
      case HIDDEN:
        return lastSignalAt + timeouts.hidden;
      default:
        return lastSignalAt;
    }
  }

  PageView view(StoreContext context, Timeouts timeouts) {
    return new PageView(
        id,
        state,
        sequence,
        context.toInstant(lastSignalAt),
        context.toInstant(deadline(timeouts)));
  }
}
