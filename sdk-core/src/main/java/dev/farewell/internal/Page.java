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

  /** The id, unless it is compact (see {@link PageIds}): then null and held in the two longs. */
  private final String id;
  private final long idHigh;
  private final long idLow;
  long sequence;
  long lastSignalAt;
  PageState state;
  Page next;

  Page(String id) {
    if (PageIds.isCompact(id)) {
      this.id = null;
      this.idHigh = PageIds.high(id);
      this.idLow = PageIds.low(id);
    } else {
      this.id = id;
      this.idHigh = 0;
      this.idLow = 0;
    }
  }

  /**
   * Whether this page has the id whose compact form is {@code high}, {@code low} ({@code compact}
   * true) or which is the string {@code other}.
   */
  boolean hasId(String other, boolean compact, long high, long low) {
    if (compact) {
      return id == null && idHigh == high && idLow == low;
    }
    return other.equals(id);
  }

  String id() {
    return id != null ? id : PageIds.format(idHigh, idLow);
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
        id(),
        state,
        sequence,
        context.toInstant(lastSignalAt),
        context.toInstant(deadline(timeouts)));
  }
}
