package dev.farewell.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code farewell.*} properties of the Spring Boot starter. A property left unset keeps the
 * default of the builder it feeds ({@code Farewell.Builder}, {@code FarewellServlet.Builder},
 * {@code PageTokens.Builder}, {@code RedisSessionStore.Builder}); the builders check every value
 * and name the property's builder setter when one is out of range. Not thread-safe: Spring binds
 * it once at start-up.
 */
@ConfigurationProperties(prefix = "farewell")
public class FarewellProperties {

  /** Whether Farewell is configured at all. */
  private boolean enabled = true;

  /** The path of the beacon and snippet endpoints ({base}/beacon, {base}/farewell.js). */
  private String basePath = "/farewell";

  /** How often a visible page beats. Default 5s. */
  private Duration heartbeatInterval;

  /** How long a visible page may stay silent before its session is released. Default 15s. */
  private Duration heartbeatTimeout;

  /** How long a hidden page (background tab) may stay silent. Default 150s. */
  private Duration hiddenTimeout;

  /** How long after the last page's exit signal the session is released. Default 3s. */
  private Duration exitGrace;

  /** How long a page that navigates away has for its next page to show up. Default 10s. */
  private Duration navigationGrace;

  /** How long a session that was given a token waits for its first page signal. Default 30s. */
  private Duration openTimeout;

  /** How long a released session's key is remembered to refuse late signals. Default 10m. */
  private Duration tombstoneTtl;

  /** How many released session keys are remembered at most. Default 100000. */
  private Long maximumTombstones;

  /** How many live sessions the engine holds at most. Default 1000000. */
  private Long maximumSessions;

  /** How many pages one session may have at once. Default 16. */
  private Integer maximumPagesPerSession;

  /** How many releases may wait for their actions at once. Default 10000. */
  private Integer maximumPendingReleases;

  /**
   * Whether shutting the application down releases every live session with SHUTDOWN. Default
   * false (a shared store hands the sessions to the other nodes).
   */
  private Boolean releaseOnClose;

  /** How long shutting down waits for pending release actions. Default 10s. */
  private Duration shutdownTimeout;

  /**
   * Origins, besides the server's own, whose pages may signal (e.g. https://app.example.com).
   * Default: same origin only.
   */
  private List<String> allowedOrigins = new ArrayList<>();

  /**
   * Whether a same-origin message without a token is resolved through the request's
   * HttpSession cookie. Default false.
   */
  private Boolean cookieMode;

  private final Token token = new Token();

  private final RateLimit rateLimit = new RateLimit();

  private final Store store = new Store();

  private final Security security = new Security();

  private final Health health = new Health();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getBasePath() {
    return basePath;
  }

  public void setBasePath(String basePath) {
    this.basePath = basePath;
  }

  public Duration getHeartbeatInterval() {
    return heartbeatInterval;
  }

  public void setHeartbeatInterval(Duration heartbeatInterval) {
    this.heartbeatInterval = heartbeatInterval;
  }

  public Duration getHeartbeatTimeout() {
    return heartbeatTimeout;
  }

  public void setHeartbeatTimeout(Duration heartbeatTimeout) {
    this.heartbeatTimeout = heartbeatTimeout;
  }

  public Duration getHiddenTimeout() {
    return hiddenTimeout;
  }

  public void setHiddenTimeout(Duration hiddenTimeout) {
    this.hiddenTimeout = hiddenTimeout;
  }

  public Duration getExitGrace() {
    return exitGrace;
  }

  public void setExitGrace(Duration exitGrace) {
    this.exitGrace = exitGrace;
  }

  public Duration getNavigationGrace() {
    return navigationGrace;
  }

  public void setNavigationGrace(Duration navigationGrace) {
    this.navigationGrace = navigationGrace;
  }

  public Duration getOpenTimeout() {
    return openTimeout;
  }

  public void setOpenTimeout(Duration openTimeout) {
    this.openTimeout = openTimeout;
  }

  public Duration getTombstoneTtl() {
    return tombstoneTtl;
  }

  public void setTombstoneTtl(Duration tombstoneTtl) {
    this.tombstoneTtl = tombstoneTtl;
  }

  public Long getMaximumTombstones() {
    return maximumTombstones;
  }

  public void setMaximumTombstones(Long maximumTombstones) {
    this.maximumTombstones = maximumTombstones;
  }

  public Long getMaximumSessions() {
    return maximumSessions;
  }

  public void setMaximumSessions(Long maximumSessions) {
    this.maximumSessions = maximumSessions;
  }

  public Integer getMaximumPagesPerSession() {
    return maximumPagesPerSession;
  }

  public void setMaximumPagesPerSession(Integer maximumPagesPerSession) {
    this.maximumPagesPerSession = maximumPagesPerSession;
  }

  public Integer getMaximumPendingReleases() {
    return maximumPendingReleases;
  }

  public void setMaximumPendingReleases(Integer maximumPendingReleases) {
    this.maximumPendingReleases = maximumPendingReleases;
  }

  public Boolean getReleaseOnClose() {
    return releaseOnClose;
  }

  public void setReleaseOnClose(Boolean releaseOnClose) {
    this.releaseOnClose = releaseOnClose;
  }

  public Duration getShutdownTimeout() {
    return shutdownTimeout;
  }

  public void setShutdownTimeout(Duration shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
  }

  public List<String> getAllowedOrigins() {
    return allowedOrigins;
  }

  public void setAllowedOrigins(List<String> allowedOrigins) {
    this.allowedOrigins = allowedOrigins;
  }

  public Boolean getCookieMode() {
    return cookieMode;
  }

  public void setCookieMode(Boolean cookieMode) {
    this.cookieMode = cookieMode;
  }

  public Token getToken() {
    return token;
  }

  public RateLimit getRateLimit() {
    return rateLimit;
  }

  public Store getStore() {
    return store;
  }

  public Security getSecurity() {
    return security;
  }

  public Health getHealth() {
    return health;
  }

  /** {@code farewell.health.*}: the Actuator health indicator {@code farewell}. */
  public static class Health {

    /**
     * How many releases may wait for their actions before the health indicator reports DEGRADED.
     * Default 1000.
     */
    private long maximumReleaseBacklog = 1000;

    public long getMaximumReleaseBacklog() {
      return maximumReleaseBacklog;
    }

    public void setMaximumReleaseBacklog(long maximumReleaseBacklog) {
      if (maximumReleaseBacklog < 0) {
        throw new IllegalArgumentException(
            "farewell.health.maximum-release-backlog must be >= 0, was " + maximumReleaseBacklog);
      }
      this.maximumReleaseBacklog = maximumReleaseBacklog;
    }
  }

  /** {@code farewell.token.*}: the secrets that sign and verify page tokens. */
  public static class Token {

    /**
     * The secret that signs page tokens, at least 32 bytes in UTF-8, the same on every node.
     * Required with a shared store; without one a random secret is drawn at start-up (one node
     * only, pages lose their tokens on restart).
     */
    private String secret;

    /**
     * Secrets that no longer sign but still verify, for rotation: keep the old secret here for at
     * least the token max age after switching.
     */
    private List<String> previousSecrets = new ArrayList<>();

    /** How long a token is accepted after it was issued. Default 12h, at least 2m. */
    private Duration maxAge;

    public String getSecret() {
      return secret;
    }

    public void setSecret(String secret) {
      this.secret = secret;
    }

    public List<String> getPreviousSecrets() {
      return previousSecrets;
    }

    public void setPreviousSecrets(List<String> previousSecrets) {
      this.previousSecrets = previousSecrets;
    }

    public Duration getMaxAge() {
      return maxAge;
    }

    public void setMaxAge(Duration maxAge) {
      this.maxAge = maxAge;
    }
  }

  /** {@code farewell.rate-limit.*}: how many signals one page may send. */
  public static class RateLimit {

    /** Signals one page may send per period; more get 429. Default 20, set with the period. */
    private Integer signals;

    /** The period of the per-page rate limit. Default 10s, set with the signals. */
    private Duration period;

    /** How many pages the rate limiter tracks at most. Default 100000. */
    private Long maximumPages;

    public Integer getSignals() {
      return signals;
    }

    public void setSignals(Integer signals) {
      this.signals = signals;
    }

    public Duration getPeriod() {
      return period;
    }

    public void setPeriod(Duration period) {
      this.period = period;
    }

    public Long getMaximumPages() {
      return maximumPages;
    }

    public void setMaximumPages(Long maximumPages) {
      this.maximumPages = maximumPages;
    }
  }

  /** {@code farewell.store.*}: where sessions are kept. Default: in memory, one node. */
  public static class Store {

    private final Redis redis = new Redis();

    public Redis getRedis() {
      return redis;
    }
  }

  /**
   * {@code farewell.store.redis.*}: the Redis store of farewell-redis, shared by every node. Used
   * when {@code uri} is set.
   */
  public static class Redis {

    /**
     * The Redis server, redis://[[user]:password@]host[:port][/database] or rediss:// for TLS.
     * Setting it selects the Redis store (needs dev.farewell:farewell-redis).
     */
    private String uri;

    /** Starts every Redis key of the store, so several applications share one Redis. */
    private String keyPrefix;

    /** How many shards the sessions are spread over. Default 1. */
    private Integer shards;

    /** How often each node sweeps for due sessions. Default 250ms. */
    private Duration sweepInterval;

    /** How long a node's claim on a due session lasts before another node may take it. Default 5s. */
    private Duration claimLease;

    /**
     * After Redis comes back from an outage, how long no node claims due sessions, so every node
     * first writes what its pages said meanwhile. Default 10s.
     */
    private Duration recoveryGrace;

    /**
     * Whether visible heartbeats that move no deadline meaningfully are answered by this node
     * alone and written later. Default true.
     */
    private Boolean coalesceHeartbeats;

    /** How many sessions this node remembers locally for coalescing. Default 100000. */
    private Long maximumLocalSessions;

    /**
     * How many connections to Redis this node opens at most (per Redis node in a cluster); at
     * least 4, what the store uses at once by itself. Default 16.
     */
    private Integer maximumConnections;

    /**
     * How long a call waits for a free connection before it is answered from this node's memory
     * (the outage path). Default 500ms.
     */
    private Duration poolTimeout;

    /** How long opening a connection to Redis or a Sentinel may take. Default 1s. */
    private Duration connectTimeout;

    /**
     * How long a call waits for Redis's reply before it is answered from this node's memory (the
     * outage path). Default 1s.
     */
    private Duration readTimeout;

    public String getUri() {
      return uri;
    }

    public void setUri(String uri) {
      this.uri = uri;
    }

    public String getKeyPrefix() {
      return keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }

    public Integer getShards() {
      return shards;
    }

    public void setShards(Integer shards) {
      this.shards = shards;
    }

    public Duration getSweepInterval() {
      return sweepInterval;
    }

    public void setSweepInterval(Duration sweepInterval) {
      this.sweepInterval = sweepInterval;
    }

    public Duration getClaimLease() {
      return claimLease;
    }

    public void setClaimLease(Duration claimLease) {
      this.claimLease = claimLease;
    }

    public Duration getRecoveryGrace() {
      return recoveryGrace;
    }

    public void setRecoveryGrace(Duration recoveryGrace) {
      this.recoveryGrace = recoveryGrace;
    }

    public Boolean getCoalesceHeartbeats() {
      return coalesceHeartbeats;
    }

    public void setCoalesceHeartbeats(Boolean coalesceHeartbeats) {
      this.coalesceHeartbeats = coalesceHeartbeats;
    }

    public Long getMaximumLocalSessions() {
      return maximumLocalSessions;
    }

    public void setMaximumLocalSessions(Long maximumLocalSessions) {
      this.maximumLocalSessions = maximumLocalSessions;
    }

    public Integer getMaximumConnections() {
      return maximumConnections;
    }

    public void setMaximumConnections(Integer maximumConnections) {
      this.maximumConnections = maximumConnections;
    }

    public Duration getPoolTimeout() {
      return poolTimeout;
    }

    public void setPoolTimeout(Duration poolTimeout) {
      this.poolTimeout = poolTimeout;
    }

    public Duration getConnectTimeout() {
      return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }

    public Duration getReadTimeout() {
      return readTimeout;
    }

    public void setReadTimeout(Duration readTimeout) {
      this.readTimeout = readTimeout;
    }
  }

  /** {@code farewell.security.*}: the Spring Security integration. */
  public static class Security {

    /**
     * Whether a release expires the session in Spring Security's SessionRegistry, a logout
     * releases the session, and the beacon endpoint is exempt from CSRF protection.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }
}
