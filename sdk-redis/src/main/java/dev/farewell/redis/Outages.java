package dev.farewell.redis;

import java.util.NoSuchElementException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Tells the errors that mean "Redis cannot serve now" (unreachable, timed out, no free connection
 * in the pool in time or a pool closed by a Sentinel switch, loading its data, a stale master after
 * a failover, a script running too long, out of memory, a cluster without a master) from the
 * rest, which are bugs. The store answers the first kind from the node's memory and writes later;
 * see {@code docs/multi-node.md}.
 */
final class Outages {

  /** Error prefixes of replies Redis gives when it cannot serve a write now. */
  private static final String[] TRANSIENT = {
    "READONLY", "LOADING", "MASTERDOWN", "BUSY", "OOM", "CLUSTERDOWN", "TRYAGAIN", "NOREPLICAS",
    "NOTREADY", "UNBLOCKED", "MISCONF"
  };

  private Outages() {}

  static boolean isOutage(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause()) {
      if (e instanceof JedisConnectionException || e instanceof JedisClusterOperationException) {
        return true;
      }
      if (isPoolFailure(e)) {
        return true;
      }
      if (e instanceof JedisDataException && e.getMessage() != null) {
        String message = e.getMessage();
        for (String prefix : TRANSIENT) {
          if (message.startsWith(prefix)) {
            return true;
          }
        }
      }
      if (e.getCause() == e) {
        break;
      }
    }
    return false;
  }

  /**
   * Whether Jedis could not take a connection from its pool, or give one back: no free one within
   * poolTimeout (NoSuchElementException), or the pool closed under the caller. A Sentinel switch
   * to a new primary closes the old pool: the callers waiting on it are interrupted
   * (InterruptedException) and those that read the old pool find it closed ("Pool not open",
   * IllegalStateException). Jedis wraps each in a plain JedisException.
   */
  private static boolean isPoolFailure(Throwable e) {
    if (e.getClass() != JedisException.class) {
      return false;
    }
    Throwable cause = e.getCause();
    return cause instanceof NoSuchElementException || cause instanceof InterruptedException
        || cause instanceof IllegalStateException;
  }
}
