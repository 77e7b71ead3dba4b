package dev.farewell.sample;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a {@link SampleApp} runs: where it listens, how many seats it has, the engine's timeouts, and
 * where it keeps shared state. Immutable and thread-safe; built with {@link #newBuilder()}.
 */
public final class SampleOptions {

  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final String host;
  private final int port;
  private final int seats;
  private final Duration heartbeatInterval;
  private final Duration heartbeatTimeout;
  private final Duration hiddenTimeout;
  private final Duration exitGrace;
  private final Duration navigationGrace;
  private final URI store;
  private final String tokenSecret;
  private final String group;

  private SampleOptions(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.seats = b.seats;
    this.heartbeatInterval = b.heartbeatInterval;
    this.heartbeatTimeout = b.heartbeatTimeout;
    this.hiddenTimeout = b.hiddenTimeout;
    this.exitGrace = b.exitGrace;
    this.navigationGrace = b.navigationGrace;
    this.store = b.store;
    this.tokenSecret = b.tokenSecret;
    this.group = b.group;
  }

  /** Returns a builder with the defaults named on its setters. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** The address the server binds. */
  public String host() {
    return host;
  }

  /** The port the server binds; 0 picks a free one. */
  public int port() {
    return port;
  }

  /** How many users may be logged in at once. */
  public int seats() {
    return seats;
  }

  /** The heartbeat interval, or empty for the engine's default. */
  public Optional<Duration> heartbeatInterval() {
    return Optional.ofNullable(heartbeatInterval);
  }

  /** The heartbeat timeout, or empty for the engine's default. */
  public Optional<Duration> heartbeatTimeout() {
    return Optional.ofNullable(heartbeatTimeout);
  }

  /** The hidden timeout, or empty for the engine's default. */
  public Optional<Duration> hiddenTimeout() {
    return Optional.ofNullable(hiddenTimeout);
  }

  /** The exit grace, or empty for the engine's default. */
  public Optional<Duration> exitGrace() {
    return Optional.ofNullable(exitGrace);
  }

  /** The navigation grace, or empty for the engine's default. */
  public Optional<Duration> navigationGrace() {
    return Optional.ofNullable(navigationGrace);
  }

  /** The Redis server shared with other instances ({@code redis://host:port}), or empty. */
  public Optional<URI> store() {
    return Optional.ofNullable(store);
  }

  /** The secret that signs page tokens, or empty for a random one (one instance only). */
  public Optional<String> tokenSecret() {
    return Optional.ofNullable(tokenSecret);
  }

  /** The name of the instance group; in Redis, every key of the group starts with it. */
  public String group() {
    return group;
  }

  /**
   * Builds {@link SampleOptions}. Every setter checks its argument at once and may be called once.
   * Not thread-safe.
   */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8080;
    private int seats = 3;
    private Duration heartbeatInterval;
    private Duration heartbeatTimeout;
    private Duration hiddenTimeout;
    private Duration exitGrace;
    private Duration navigationGrace;
    private URI store;
    private String tokenSecret;
    private String group = "farewell-sample";
    private final Set<String> set = new HashSet<>();

    private Builder() {}

    private void once(String name) {
      if (!set.add(name)) {
        throw new IllegalStateException(name + " was already set");
      }
    }

    private static Duration positive(String name, Duration value) {
      requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0, was " + value);
      }
      return value;
    }

    /** The address to bind. Default {@code 127.0.0.1}. */
    public Builder host(String host) {
      once("host");
      requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      this.host = host;
      return this;
    }

    /** The port to bind, 0 to 65535 (0 picks a free port). Default 8080. */
    public Builder port(int port) {
      once("port");
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** How many users may be logged in at once, 1 to 10,000. Default 3. */
    public Builder seats(int seats) {
      once("seats");
      if (seats < 1 || seats > 10_000) {
        throw new IllegalArgumentException("seats must be 1 to 10000, was " + seats);
      }
      this.seats = seats;
      return this;
    }

    /** See {@code Farewell.Builder#heartbeatInterval}. */
    public Builder heartbeatInterval(Duration interval) {
      once("heartbeatInterval");
      this.heartbeatInterval = positive("heartbeatInterval", interval);
      return this;
    }

    /** See {@code Farewell.Builder#heartbeatTimeout}. */
    public Builder heartbeatTimeout(Duration timeout) {
      once("heartbeatTimeout");
      this.heartbeatTimeout = positive("heartbeatTimeout", timeout);
      return this;
    }

    /** See {@code Farewell.Builder#hiddenTimeout}. */
    public Builder hiddenTimeout(Duration timeout) {
      once("hiddenTimeout");
      this.hiddenTimeout = positive("hiddenTimeout", timeout);
      return this;
    }

    /** See {@code Farewell.Builder#exitGrace}. */
    public Builder exitGrace(Duration grace) {
      once("exitGrace");
      this.exitGrace = positive("exitGrace", grace);
      return this;
    }

    /** See {@code Farewell.Builder#navigationGrace}. */
    public Builder navigationGrace(Duration grace) {
      once("navigationGrace");
      this.navigationGrace = positive("navigationGrace", grace);
      return this;
    }

    /**
     * Keeps seats, sessions and the release log in Redis, shared with every instance of the same
     * group: {@code redis://host:port}. Default: in memory.
     *
     * @throws IllegalArgumentException if the URI is not {@code redis://host:port}
     */
    public Builder store(URI store) {
      once("store");
      requireNonNull(store, "store");
      if (!"redis".equals(store.getScheme()) || store.getHost() == null) {
        throw new IllegalArgumentException(
            "store must look like redis://host:port, was '" + store + "'");
      }
      this.store = store;
      return this;
    }

    /**
     * The secret that signs page tokens, at least 32 characters. Instances that share a store must
     * share it so that each accepts the others' tokens. Default: random.
     */
    public Builder tokenSecret(String secret) {
      once("tokenSecret");
      requireNonNull(secret, "tokenSecret");
      if (secret.length() < 32) {
        throw new IllegalArgumentException(
            "tokenSecret must be at least 32 characters, was " + secret.length());
      }
      this.tokenSecret = secret;
      return this;
    }

    /**
     * The name of the instance group: instances with the same store and group share seats. 1 to
     * 64 characters of {@code [A-Za-z0-9_.-]}. Default {@code farewell-sample}.
     */
    public Builder group(String group) {
      once("group");
      requireNonNull(group, "group");
      if (!GROUP.matcher(group).matches()) {
        throw new IllegalArgumentException(
            "group must be 1 to 64 characters of [A-Za-z0-9_.-], was '" + group + "'");
      }
      this.group = group;
      return this;
    }

    /**
     * Builds the options.
     *
     * @throws IllegalStateException if a store is set without a token secret: the instances would
     *     refuse each other's page tokens
     */
    public SampleOptions build() {
      if (store != null && tokenSecret == null) {
        throw new IllegalStateException(
            "a shared store needs a token secret (--token-secret or FAREWELL_TOKEN_SECRET) so"
                + " that instances accept each other's page tokens");
      }
      return new SampleOptions(this);
    }
  }
}
