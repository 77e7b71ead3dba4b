package dev.farewell.spi;

import dev.farewell.PageState;
import dev.farewell.PageView;
import dev.farewell.ReleaseReason;
import dev.farewell.SessionView;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where the engine keeps sessions, their pages and their deadlines, and who decides that a session
 * is due. The engine ships an in-memory store on Caffeine; {@code farewell-redis} provides one that
 * several nodes share.
 *
 * <p>A store applies every change to one session atomically and hands each released session to
 * {@link StoreContext#released} exactly once, across all nodes that share it. Implementations must be
 * thread-safe. Arguments have been checked by the engine; a store does not check them again.
 */
public interface SessionStore {

  /** Called once, before any other method, by the engine that owns the store. */
  void start(StoreContext context);

  /**
   * Applies a page's signal to its session, keeping the rules of {@link SessionRules}: sequence
   * ordering per page, deadlines, grace after the last exit, tombstones of released sessions,
   * limits. A signal other than {@code EXIT} for a key that is neither live nor tombstoned starts
   * a session (with no attributes); an {@code EXIT} for such a key starts nothing and is answered
   * {@code EXITING}, not accepted. A store that forgets tombstones before their TTL (beyond {@code
   * maximumTombstones}) cannot tell such a key from one released within the TTL: the in-memory
   * store then answers {@code RELEASED} ({@code TIMEOUT}) for every key it does not know until the
   * forgotten tombstones would have expired. A session found past its deadline is released first (exactly
   * once), and the signal is then answered {@code RELEASED}.
   */
  SignalResult apply(Signal signal);

  /**
   * Starts tracking {@code sessionKey} if it is not live, or refreshes it (a new page of it is being
   * served, which also cancels a pending exit grace). A released key's tombstone is cleared: the
   * application starts a new session under it.
   *
   * @param attributes what to hand the release actions; replaces earlier attributes when non-empty
   * @return {@code LIVE}, or {@code FULL} when the store holds its maximum of sessions
   */
  SignalResult track(String sessionKey, Map<String, String> attributes);

  /**
   * Releases a live session now for {@code reason} ({@code EXPLICIT} or {@code SHUTDOWN}); a session
   * found past its deadline is released for the reason it became due instead.
   *
   * @return true if this call released it (for either reason); false if it was not live
   */
  boolean release(String sessionKey, ReleaseReason reason);

  /** Returns a picture of a live session, or empty if there is none under the key. */
  Optional<SessionView> session(String sessionKey);

  /** Passes a picture of every live session to {@code consumer}, one at a time. */
  void forEachSession(Consumer<SessionView> consumer);

  /** Returns the number of live sessions (an estimate where the store cannot count exactly). */
  long size();

  /**
   * Returns the number of open pages (visible or hidden) of the live sessions. The default passes
   * over {@link #forEachSession}; a store that can count more cheaply overrides it.
   */
  default long pages() {
    long[] count = new long[1];
    forEachSession(
        session -> {
          for (PageView page : session.pages()) {
            if (page.state() != PageState.EXITED) {
              count[0]++;
            }
          }
        });
    return count[0];
  }

  /**
   * Whether the store serves this node now. Cheap: no call to a server. The default, for stores
   * that cannot be down (in memory), is true.
   */
  default boolean isServing() {
    return true;
  }

  /**
   * Returns how many releases the store holds that it has not handed to the engine yet (a shared
   * store keeps the releases asked for while it cannot reach its server). Cheap: no call to a
   * server. The default, for stores that hand every release on at once, is zero.
   */
  default long releaseBacklog() {
    return 0;
  }

  /**
   * Releases every session whose deadline has passed by the store's clock now, rather than at the
   * next tick of its timer. Tests with a fake ticker call it through {@code Farewell.cleanUp()}.
   */
  void cleanUp();

  /**
   * Stops the store. With {@code releaseAll}, every live session this store owns is released with
   * {@code SHUTDOWN} first; without, shared stores leave the sessions for the other nodes.
   */
  void close(boolean releaseAll);
}
