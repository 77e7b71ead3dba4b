package dev.farewell;

import static java.util.Objects.requireNonNull;

/**
 * One message from one page of a session: the unit of input of {@link Farewell#signal(Signal)}.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param type what the page says
 * @param sessionKey the application's key of the session the page belongs to
 * @param pageId the page's id, chosen by the page (unique per document)
 * @param sequence grows with every signal of one page; a signal that is not newer than the last
 *     one seen for its page is ignored
 * @param hidden whether the document was hidden when the page made the signal
 * @param navigation for {@link SignalType#EXIT} only: the page leaves for another page of the same
 *     application, so the longer navigation grace applies
 */
public record Signal(
    SignalType type,
    String sessionKey,
    String pageId,
    long sequence,
    boolean hidden,
    boolean navigation) {

  /**
   * Checks the components.
   *
   * @throws NullPointerException if {@code type}, {@code sessionKey} or {@code pageId} is null
   * @throws IllegalArgumentException if a key or id is empty, {@code sequence} is negative, or
   *     {@code navigation} is set on a signal other than {@code EXIT}
   */
  public Signal {
    requireNonNull(type, "type");
    requireNonNull(sessionKey, "sessionKey");
    requireNonNull(pageId, "pageId");
    if (sessionKey.isEmpty()) {
      throw new IllegalArgumentException("sessionKey must not be empty");
    }
    if (pageId.isEmpty()) {
      throw new IllegalArgumentException("pageId must not be empty");
    }
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must be >= 0, was " + sequence);
    }
    if (navigation && type != SignalType.EXIT) {
      throw new IllegalArgumentException("navigation applies to EXIT only, was " + type);
    }
  }

  /** Returns a signal of {@code type} for a visible page, with no navigation mark. */
  public static Signal of(SignalType type, String sessionKey, String pageId, long sequence) {
    return new Signal(type, sessionKey, pageId, sequence, false, false);
  }

  /** Returns a copy of this signal with {@code hidden} set as given. */
  public Signal withHidden(boolean hidden) {
    return new Signal(type, sessionKey, pageId, sequence, hidden, navigation);
  }

  /** Returns a copy of this signal marked as an in-app navigation ({@code EXIT} only). */
  public Signal asNavigation() {
    return new Signal(type, sessionKey, pageId, sequence, hidden, true);
  }
}
