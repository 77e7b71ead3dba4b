package dev.farewell;

/**
 * A plain callback told of every release, on the engine's release executor. It may throw: the
 * engine logs the exception with the session key and reports it to the {@link
 * ReleaseFailureListener}; other releases go on.
 */
@FunctionalInterface
public interface ReleaseListener {

  /** Called once for each released session. */
  void onRelease(Release release) throws Exception;
}
