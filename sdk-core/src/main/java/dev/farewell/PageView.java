package dev.farewell;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A read-only picture of one page of a session, for dashboards and tests.
 *
 * @param pageId the page's id
 * @param state the page's state
 * @param sequence the newest sequence number seen for the page
 * @param lastSignalAt when the page's newest accepted signal arrived
 * @param deadline when the page counts as gone if it sends nothing more
 */
public record PageView(
    String pageId, PageState state, long sequence, Instant lastSignalAt, Instant deadline) {

  /** Checks that no component is null. */
  public PageView {
    requireNonNull(pageId, "pageId");
    requireNonNull(state, "state");
    requireNonNull(lastSignalAt, "lastSignalAt");
    requireNonNull(deadline, "deadline");
  }
}
