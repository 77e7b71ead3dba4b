package dev.farewell.redis;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Builds the Jedis client a {@code redisUri} names: one server ({@code redis://}, {@code
 * rediss://}), a Redis Cluster ({@code redis-cluster://host:port,host:port}, any of its nodes) or
 * a Sentinel-managed primary ({@code redis-sentinel://host:port,host:port/primaryName[/db]}).
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

  /** The URI without its {@code user:password@}, for messages. */
  static String safe(URI uri) {
    String authority = uri.getRawAuthority();
    String hosts = authority == null ? "" : authority.substring(authority.lastIndexOf('@') + 1);
    return uri.getScheme() + "://" + hosts + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  static UnifiedJedis create(URI uri) {
    return switch (uri.getScheme()) {
      case "redis-cluster" -> RedisClusterClient.builder()
          .nodes(hosts(uri))
          .clientConfig(credentials(uri).build())
          .build();
      case "redis-sentinel" -> RedisSentinelClient.builder()
          .masterName(primaryName(uri))
          .sentinels(hosts(uri))
          .clientConfig(credentials(uri).database(database(uri)).build())
          .build();
      default -> RedisClient.create(uri);
    };
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
