package dev.farewell.redis;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Builds the Jedis client a {@code redisUri} names: one server ({@code redis://}, {@code
 * rediss://}), a Redis Cluster ({@code redis-cluster://host:port,host:port}, any of its nodes) or
 * a Sentinel-managed primary ({@code redis-sentinel://host:port,host:port/primaryName[/db]}), with
 * the store's connection settings in every form.
 */
final class RedisClients {

  static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-cluster", "redis-sentinel");

  private RedisClients() {}

  /**
   * Checks a URI's form without connecting.
   *
   * @throws IllegalArgumentException if the scheme is unknown or the hosts or the primary's name
   *     are missing
   */
  static void check(URI uri) {
    String scheme = uri.getScheme();
    if (scheme == null || !SCHEMES.contains(scheme)) {
      throw new IllegalArgumentException("redisUri must start with redis://, rediss://, "
          + "redis-cluster:// or redis-sentinel://, was " + (scheme == null ? "no scheme" : scheme + "://"));
    }
    if (scheme.startsWith("redis-")) {
      hosts(uri);
    } else if (uri.getHost() == null) {
      throw new IllegalArgumentException("redisUri names no host: " + safe(uri));
    } else {
      port(uri);
    }
    if (scheme.equals("redis-sentinel")) {
      primaryName(uri);
      database(uri);
      if (path(uri).length > 2) {
        throw new IllegalArgumentException(
            "a redis-sentinel:// URI ends with /primaryName or /primaryName/db: " + safe(uri));
      }
    }
    if (scheme.equals("redis-cluster") && path(uri).length > 0 && !path(uri)[0].isEmpty()) {
      throw new IllegalArgumentException(
          "a redis-cluster:// URI has no path (Redis Cluster has database 0 only): " + safe(uri));
    }
  }

  /**
   * Checks the port of a {@code redis://} or {@code rediss://} URI: none (6379) or 1 to 65535.
   * {@link URI} takes {@code host:0}, {@code host:70000} and {@code host:} (no port, as if none
   * were written); Jedis would then meet an outage at every call.
   */
  private static void port(URI uri) {
    String authority = uri.getRawAuthority();
    boolean empty = authority.endsWith(":");
    int port = uri.getPort();
    if (empty || port == 0 || port > 65_535) {
      throw new IllegalArgumentException("redisUri has a bad port ("
          + (empty ? "empty" : Integer.toString(port)) + ", must be 1 to 65535): " + safe(uri));
    }
  }

  /** The URI without its {@code user:password@}, for messages. */
  static String safe(URI uri) {
    String authority = uri.getRawAuthority();
    String hosts = authority == null ? "" : authority.substring(authority.lastIndexOf('@') + 1);
    return uri.getScheme() + "://" + hosts + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  /**
   * The pool and timeouts of every connection the store opens: at most {@code maximum} connections
   * (per node, with Redis Cluster), each call waiting at most {@code poolTimeout} for a free one.
   */
  record Connections(int maximum, Duration poolTimeout, Duration connectTimeout,
      Duration readTimeout) {

    ConnectionPoolConfig pool() {
      ConnectionPoolConfig pool = new ConnectionPoolConfig();
      pool.setMaxTotal(maximum);
      // Jedis keeps 8 idle: the connections above it would be closed after each call.
      pool.setMaxIdle(maximum);
      pool.setBlockWhenExhausted(true);
      pool.setMaxWait(poolTimeout);
      return pool;
    }

    DefaultJedisClientConfig.Builder timeouts(DefaultJedisClientConfig.Builder config) {
      return config.connectionTimeoutMillis((int) connectTimeout.toMillis())
          .socketTimeoutMillis((int) readTimeout.toMillis());
    }
  }

  /**
   * The client for {@code uri}; with a {@code redis-sentinel://} URI, the one over {@code
   * sentinels} (see {@link #sentinels}).
   */
  static UnifiedJedis create(URI uri, Connections connections, SentinelPrimary sentinels) {
    return switch (uri.getScheme()) {
      case "redis-cluster" -> RedisClusterClient.builder()
          .nodes(hosts(uri))
          .clientConfig(connections.timeouts(credentials(uri)).build())
          .poolConfig(connections.pool())
          // Jedis retries a call that met a connection error for up to five read timeouts by
          // default while the caller waits: past one, no retry starts (the slot-map renewal it
          // makes inline still asks each node for up to a connect and a read timeout).
          .maxTotalRetriesDuration(connections.readTimeout())
          .build();
      case "redis-sentinel" -> RedisSentinelClient.builder()
          .masterName(primaryName(uri))
          .sentinels(hosts(uri))
          .clientConfig(connections.timeouts(credentials(uri)).database(database(uri)).build())
          .connectionProvider(sentinels)
          .build();
      default -> {
        URI server = withPort(uri);
        yield RedisClient.builder()
            .hostAndPort(JedisURIHelper.getHostAndPort(server))
            .clientConfig(connections.timeouts(DefaultJedisClientConfig.builder(server)).build())
            .poolConfig(connections.pool())
            .build();
      }
    };
  }

  /**
   * The connections to the primary the Sentinels of a {@code redis-sentinel://} URI name, with the
   * store's settings (the Sentinels are asked with its timeouts too); null for another URI.
   */
  static SentinelPrimary sentinels(URI uri, Connections connections) {
    if (!uri.getScheme().equals("redis-sentinel")) {
      return null;
    }
    return new SentinelPrimary(primaryName(uri),
        connections.timeouts(credentials(uri)).database(database(uri)).build(),
        connections.pool(), hosts(uri),
        connections.timeouts(DefaultJedisClientConfig.builder()).build());
  }

  /** {@code redis://host} means port 6379, as it does for redis-cli; Jedis wants it written. */
  private static URI withPort(URI uri) {
    if (uri.getPort() != -1) {
      return uri;
    }
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + ":6379"
        + (uri.getRawPath() == null ? "" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
  }

  /** The {@code host:port} list of the authority, after any {@code user:password@}. */
  private static Set<HostAndPort> hosts(URI uri) {
    String authority = uri.getRawAuthority();
    if (authority == null || authority.isEmpty()) {
      throw new IllegalArgumentException("redisUri names no host: " + safe(uri));
    }
    Set<HostAndPort> hosts = new LinkedHashSet<>();
    for (String host : authority.substring(authority.lastIndexOf('@') + 1).split(",")) {
      int colon = host.lastIndexOf(':');
      String name = colon < 0 ? host : host.substring(0, colon);
      int port;
      try {
        port = colon < 0
            ? (uri.getScheme().equals("redis-sentinel") ? 26379 : 6379)
            : Integer.parseInt(host.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (name.isEmpty() || port < 1 || port > 65_535) {
        throw new IllegalArgumentException(
            "redisUri has a bad host:port '" + host + "' in " + safe(uri));
      }
      hosts.add(new HostAndPort(name, port));
    }
    return hosts;
  }

  /** {@code user:password} or {@code :password} before the hosts, URL-decoded. */
  private static DefaultJedisClientConfig.Builder credentials(URI uri) {
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder();
    String authority = uri.getRawAuthority();
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String info = authority.substring(0, at);
      int colon = info.indexOf(':');
      String user = colon < 0 ? "" : decode(info.substring(0, colon));
      String password = decode(colon < 0 ? info : info.substring(colon + 1));
      if (!user.isEmpty()) {
        config.user(user);
      }
      config.password(password);
    }
    return config;
  }

  private static String primaryName(URI uri) {
    String[] path = path(uri);
    if (path.length == 0 || path[0].isEmpty()) {
      throw new IllegalArgumentException(
          "a redis-sentinel:// URI names the primary after the hosts (/name): " + safe(uri));
    }
    return decode(path[0]);
  }

  private static int database(URI uri) {
    String[] path = path(uri);
    int db;
    try {
      db = path.length > 1 ? Integer.parseInt(path[1]) : 0;
    } catch (NumberFormatException e) {
      db = -1;
    }
    if (db < 0) {
      throw new IllegalArgumentException("redisUri has a bad database number: " + safe(uri));
    }
    return db;
  }

  private static String[] path(URI uri) {
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return path.startsWith("/") ? path.substring(1).split("/") : new String[0];
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
