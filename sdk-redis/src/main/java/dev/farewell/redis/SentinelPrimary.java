package dev.farewell.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.SentineledConnectionProvider;

/**
 * The connections to the primary that the Sentinels name, and a way to find it again when the
 * Sentinels' announcement of a switch was missed.
 *
 * <p>Jedis learns of a failover from the {@code +switch-master} message its listeners subscribe
 * to, one connection per Sentinel, read without a timeout. When such a connection is silently gone
 * (a NAT or load balancer that drops idle connections without a reset, a partition that heals),
 * the message never arrives and the client stays on the old primary, which the Sentinels made a
 * replica. So while the store cannot serve, it asks the Sentinels ({@link #primaryMoved}) with the
 * store's timeouts; when they name another primary, {@link #listenAgain} replaces the listeners:
 * a new listener first asks its Sentinel where the primary is, and Jedis moves its pool there.
 *
 * <p>Thread-safe.
 */
final class SentinelPrimary extends SentineledConnectionProvider {

  private static final Logger logger = LoggerFactory.getLogger(SentinelPrimary.class);

  private final String primaryName;
  private final List<HostAndPort> sentinels;
  private final JedisClientConfig sentinelConfig;
  private boolean closed;

  SentinelPrimary(String primaryName, JedisClientConfig primaryConfig,
      ConnectionPoolConfig pool, Set<HostAndPort> sentinels,
      JedisClientConfig sentinelConfig) {
    super(primaryName, primaryConfig, pool, sentinels, sentinelConfig);
    this.primaryName = primaryName;
    this.sentinels = List.copyOf(sentinels);
    this.sentinelConfig = sentinelConfig;
  }

  /**
   * Asks the Sentinels, one after another, where the primary is, each for at most the connect and
   * read timeouts; returns the first answer that differs from the primary the pool serves, or null
   * (the same primary, or no Sentinel answered).
   */
  HostAndPort primaryMoved() {
    for (HostAndPort sentinel : sentinels) {
      try (Jedis jedis = new Jedis(sentinel, sentinelConfig)) {
        List<String> address = jedis.sentinelGetMasterAddrByName(primaryName);
        if (address == null || address.size() != 2) {
          continue;
        }
        HostAndPort named = new HostAndPort(address.get(0), Integer.parseInt(address.get(1)));
        return named.equals(getCurrentMaster()) ? null : named;
      } catch (JedisException | NumberFormatException e) {
        logger.debug("Sentinel {} did not say where {} is: {}", sentinel, primaryName, e.toString());
      }
    }
    return null;
  }

  /**
   * Replaces the Sentinel listeners by new ones: each first asks its Sentinel where the primary is
   * (and Jedis moves its pool there), then subscribes to {@code +switch-master} again. The old
   * listeners' connections are closed, as Jedis closes them on shutdown.
   */
  synchronized void listenAgain() {
    if (closed) {
      return;
    }
    List<SentinelListener> old = new ArrayList<>(sentinelListeners);
    sentinelListeners.clear();
    for (SentinelListener listener : old) {
      listener.shutdown();
    }
    for (HostAndPort sentinel : sentinels) {
      SentinelListener listener = new SentinelListener(sentinel);
      listener.setDaemon(true);
      sentinelListeners.add(listener);
      listener.start();
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    super.close();
  }
}
