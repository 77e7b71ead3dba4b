/**
 * A Farewell session store in Redis, through Jedis, for applications that run on several nodes.
 * Its Lua scripts are resources of this module's own package, read through its own classes.
 */
@SuppressWarnings("requires-transitive-automatic") // Jedis names itself in its manifest only
module dev.farewell.redis {
  requires transitive dev.farewell.core;
  requires transitive redis.clients.jedis;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;

  exports dev.farewell.redis;
}
