package dev.farewell.redis;

import java.util.NoSuchElementException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Tells the errors that mean "Redis cannot serve now" (unreachable, timed out, no free connection
 * in the pool in time, loading its data, a stale master after a failover, a script running too
 * long, out of memory, a cluster without a master) from the rest, which are bugs. The store answers the first kind from the node's memory
 * and writes later; see {@code docs/multi-node.md}.
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
      // The pool had no free connection within poolTimeout (Jedis wraps the pool's exception).
      if (e instanceof JedisException && e.getCause() instanceof NoSuchElementException) {
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
}
