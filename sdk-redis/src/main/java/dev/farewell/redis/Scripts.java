package dev.farewell.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * The Lua scripts of the store, each the shared prelude plus its body, run by {@code EVALSHA}. A
 * server that does not know a script (restarted, flushed, another cluster node) answers {@code
 * NOSCRIPT}; the script is then sent whole with {@code EVAL}, which also caches it there.
 */
enum Scripts {
  SIGNAL("signal.lua"),
  TRACK("track.lua"),
  RELEASE("release.lua"),
  CLAIM("claim.lua"),
  RENEW("renew.lua"),
  ACK("ack.lua");

  private final String source;
  private final String sha;

  Scripts(String file) {
    this.source = read("clock.lua") + "\n" + read("prelude.lua") + "\n" + read(file);
    this.sha = sha1(source);
  }

  Object run(UnifiedJedis client, List<String> keys, List<String> args) {
    try {
      return client.evalsha(sha, keys, args);
    } catch (JedisDataException e) {
      if (!isNoScript(e)) {
        throw e;
      }
      return client.eval(source, keys, args);
    }
  }

  /** Queues the script on a pipeline; read the answer with {@link #answer}. */
  Queued queue(AbstractPipeline pipeline, List<String> keys, List<String> args) {
    return new Queued(this, pipeline.evalsha(sha, keys, args), keys, args);
  }

  /** A script queued on a pipeline, with what it takes to run it again after {@code NOSCRIPT}. */
  record Queued(Scripts script, Response<Object> response, List<String> keys, List<String> args) {
    Object answer(UnifiedJedis client) {
      try {
        return reply(response, () -> script.run(client, keys, args));
      } catch (JedisDataException e) {
        if (!isNoScript(e)) {
          throw e;
        }
        return client.eval(script.source, keys, args);
      }
    }
  }

  /**
   * Reads a pipelined reply. A Redis Cluster pipeline follows no redirection: a command that met
   * {@code MOVED} or {@code ASK} (its slot moved; it did not run) is sent again by {@code direct},
   * which follows it and refreshes the client's slot map. A cluster pipeline that lost a node's
   * connection leaves that node's replies unset: taken as a lost reply, an outage.
   */
  static <T> T reply(Response<T> response, Supplier<T> direct) {
    try {
      return response.get();
    } catch (JedisRedirectionException e) {
      return direct.get();
    } catch (IllegalStateException e) {
      throw new JedisConnectionException("a pipelined reply was lost with its connection", e);
    }
  }

  static boolean isNoScript(JedisDataException e) {
    return e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
  }

  private static String read(String file) {
    try (InputStream in = Scripts.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("missing script " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads a script's string reply, which Jedis gives as bytes or text. */
  static String text(Object reply) {
    if (reply instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return String.valueOf(reply);
  }

  static long number(Object reply) {
    if (reply instanceof Long value) {
      return value;
    }
    return Long.parseLong(text(reply));
  }
}
