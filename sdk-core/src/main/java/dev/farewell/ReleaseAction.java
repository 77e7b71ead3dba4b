package dev.farewell;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the application does when a session is released: free a seat, invalidate an
 * {@code HttpSession}, call an identity server's logout API.
 *
 * <p>For each release the engine runs its actions one after the other, in the order they were
 * added, on its release executor (by default its own threads, never the thread that delivered a
 * signal), and never inside the store's locks. The next action starts when the previous one's stage
 * has completed (or its retries are exhausted), or when the attempt timed out ({@code
 * Farewell.Builder.releaseActionTimeout}). An action that
 * needs I/O should return at once with a stage that completes when the work is done, so that it
 * holds no thread while it waits.
 *
 * <p>Exception contract: an action fails by throwing or by returning a stage that completes
 * exceptionally (a null stage is a failure too). A {@link RetryableReleaseException} asks for
 * another attempt: the pipeline runs the action again for the same release as its {@link
 * #retryPolicy()} allows, waiting on a timer, not on a thread. Any other exception, or the last
 * retryable one, fails the action for good: it is logged at ERROR with the session key and
 * reported to the engine's {@link ReleaseFailureListener}; the next action still runs.
 * Implementations must be thread-safe: several releases may run at once. If the pipeline gives up
 * on a release at shutdown it cancels the action's stage ({@link CompletableFuture#cancel}).
 */
@FunctionalInterface
public interface ReleaseAction {

  /**
   * Starts the action for {@code release}; called again with the same release for each retry.
   *
   * @return a stage that completes when the action is done, exceptionally if it failed
   * @throws Exception if the action fails at once; treated like an exceptional stage
   */
  CompletionStage<?> run(Release release) throws Exception;

  /**
   * How the pipeline retries this action after a {@link RetryableReleaseException}. Default: no
   * retry.
   */
  default RetryPolicy retryPolicy() {
    return RetryPolicy.none();
  }

  /**
   * Returns this action with another retry policy.
   *
   * @throws NullPointerException if {@code policy} is null
   */
  default ReleaseAction withRetryPolicy(RetryPolicy policy) {
    requireNonNull(policy, "policy");
    ReleaseAction self = this;
    return new ReleaseAction() {
      @Override
      public CompletionStage<?> run(Release release) throws Exception {
        return self.run(release);
      }

      @Override
      public RetryPolicy retryPolicy() {
        return policy;
      }

      @Override
      public String toString() {
        return self.toString();
      }
    };
  }

  /** Adapts a plain callback that does its work on the calling thread (the release executor). */
  static ReleaseAction of(ReleaseListener listener) {
    requireNonNull(listener, "listener");
    return release -> {
      listener.onRelease(release);
      return CompletableFuture.completedFuture(null);
    };
  }
}
