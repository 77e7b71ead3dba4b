package dev.farewell;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the application does when a session is released: free a seat, invalidate an
 * {@code HttpSession}, call an identity server's logout API.
 *
 * <p>For each release the engine runs its actions one after the other, in the order they were
 * added, on its release executor, never on the thread that delivered a signal. An action that needs
 * I/O should return at once with a stage that completes when the work is done, so that it holds no
 * thread while it waits.
 *
 * <p>Exception contract: an action fails by throwing or by returning a stage that completes
 * exceptionally. A failure is logged at ERROR with the session key and reported to the engine's
 * {@link ReleaseFailureListener}; the next action still runs. Retrying is the action's own business
 * (see the OkHttp module's {@code HttpReleaseAction}). Implementations must be thread-safe: several
 * releases may run at once.
 */
@FunctionalInterface
public interface ReleaseAction {

  /**
   * Starts the action for {@code release}.
   *
   * @return a stage that completes when the action is done, exceptionally if it failed
   * @throws Exception if the action fails at once; treated like an exceptional stage
   */
  CompletionStage<?> run(Release release) throws Exception;

  /** Adapts a plain callback that does its work on the calling thread. */
  static ReleaseAction of(ReleaseListener listener) {
    requireNonNull(listener, "listener");
    return release -> {
      listener.onRelease(release);
      return CompletableFuture.completedFuture(null);
    };
  }
}
