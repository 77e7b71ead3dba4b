package dev.farewell.spring.boot;

import dev.farewell.Release;

/**
 * Ends the server-side session of a released Farewell session in one framework: Spring Security's
 * session registry, Spring Session's repository.
 */
interface SessionEnding {

  /**
   * Ends the session whose id is {@code sessionId} (the container's, or Spring Session's) for
   * {@code release}; called for {@code EXIT} and {@code TIMEOUT} releases only.
   */
  void end(String sessionId, Release release);
}
