package dev.farewell.sample;

import static java.util.Objects.requireNonNull;

import dev.farewell.Farewell;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Farewell demo: a seat-limited web app on embedded Jetty with a live dashboard. Start it with
 * {@link #start(SampleOptions)}; close it to stop the server and the engine.
 *
 * <p>Thread-safe. Tests and benchmarks start it in-process on port 0.
 */
public final class SampleApp implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SampleApp.class);

  private final Server server;
  private final Farewell engine;
  private final Logins logins;
  private final DashboardFeed feed;
  private final LegacySsoServlet sso;
  private final UnifiedJedis redis;
  private final URI uri;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SampleApp(
      Server server,
      Farewell engine,
      Logins logins,
      DashboardFeed feed,
      LegacySsoServlet sso,
      UnifiedJedis redis,
      URI uri) {
    this.server = server;
    this.engine = engine;
    this.logins = logins;
    this.feed = feed;
    this.sso = sso;
    this.redis = redis;
    this.uri = uri;
  }

  /**
   * Starts the demo and returns once it answers requests.
   *
   * @throws NullPointerException if {@code options} is null
   * @throws IllegalArgumentException if the timeouts contradict each other (the message says how)
   * @throws IllegalStateException if the server cannot start (port taken, Redis unreachable); the
   *     message says why
   */
  public static SampleApp start(SampleOptions options) {
    requireNonNull(options, "options");
    UnifiedJedis redis = null;
    Seats seats;
    ReleaseLog releaseLog;
    String prefix = options.group() + ":";
    if (options.store().isPresent()) {
      URI store = options.store().get();
      redis = RedisClient.create(store);
      try {
        redis.ping();
      } catch (RuntimeException e) {
        redis.close();
        throw new IllegalStateException(
            "cannot reach Redis at " + store + ": " + e.getMessage(), e);
      }
      seats = new RedisSeats(redis, prefix, options.seats());
      releaseLog = new RedisReleaseLog(redis, prefix);
    } else {
      seats = new LocalSeats(options.seats());
      releaseLog = new LocalReleaseLog();
    }
    Logins logins = new Logins(seats, releaseLog);

    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("farewell-sample-http");
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(options.host());
    connector.setPort(options.port());
    server.addConnector(connector);

    LegacySsoServlet sso = new LegacySsoServlet();
    Farewell engine = null;
    DashboardFeed feed = null;
    try {
      connector.open();
      String localHost = options.host().equals("0.0.0.0") ? "127.0.0.1" : options.host();
      URI self = URI.create("http://" + localHost + ":" + connector.getLocalPort() + "/");
      Wiring wiring = Wiring.create(options, logins, redis, self);
      engine = wiring.engine();
      logins.wiring(wiring);
      feed = new DashboardFeed(logins, sso::logouts);
      server.setHandler(routes(logins, wiring, feed, sso));
      server.setStopAtShutdown(false);
      server.start();
    } catch (Exception e) {
      stopQuietly(server);
      if (feed != null) {
        feed.close();
      }
      if (engine != null) {
        engine.close();
      }
      if (redis != null) {
        redis.close();
      }
      if (e instanceof IllegalStateException || e instanceof IllegalArgumentException) {
        throw (RuntimeException) e;
      }
      throw new IllegalStateException("cannot start the demo: " + e.getMessage(), e);
    }
    String host = options.host().equals("0.0.0.0") ? "localhost" : options.host();
    URI uri = URI.create("http://" + host + ":" + connector.getLocalPort() + "/");
    log.info("Farewell demo ready at {} with {} seats", uri, options.seats());
    return new SampleApp(server, engine, logins, feed, sso, redis, uri);
  }

  /** The demo's pages, APIs and the Farewell endpoint, under one servlet context with sessions. */
  private static ServletContextHandler routes(
      Logins logins, Wiring wiring, DashboardFeed feed, LegacySsoServlet sso) {
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.setContextPath("/");
    context.getSessionHandler().addEventListener(wiring.servlet().httpSessionListener());
    context.getSessionHandler().setSessionCookie("FAREWELL_DEMO");
    LoginServlet login = new LoginServlet(logins);
    context.addServlet(new ServletHolder("login", login), "/login");
    context.addServlet(new ServletHolder("home", login), "");
    context.addServlet(new ServletHolder("app", new AppServlet(logins)), "/app/*");
    context.addServlet(new ServletHolder("logout", new LogoutServlet(logins)), "/logout");
    context.addServlet(new ServletHolder("api", new ApiServlet(logins)), "/api/*");
    context.addServlet(
        new ServletHolder(
            "dashboard", new StaticServlet("dashboard.html", "text/html;charset=utf-8")),
        "/dashboard");
    ServletHolder events = new ServletHolder("dashboard-events", feed);
    events.setAsyncSupported(true);
    context.addServlet(events, "/dashboard/events");
    context.addServlet(
        new ServletHolder("css", new StaticServlet("demo.css", "text/css;charset=utf-8")),
        "/static/demo.css");
    context.addServlet(new ServletHolder("legacy-sso", sso), "/legacy-sso/logout");
    ServletHolder farewell = new ServletHolder("farewell", wiring.servlet());
    farewell.setAsyncSupported(true);
    context.addServlet(farewell, "/farewell/*");
    return context;
  }

  /** The address of the running demo, such as {@code http://127.0.0.1:8080/}. */
  public URI uri() {
    return uri;
  }

  /** The demo's engine. */
  public Farewell engine() {
    return engine;
  }

  /** The release log, oldest first (shared by the group in Redis mode). */
  public List<ReleaseRecord> releases() {
    return logins.releaseLog().entries();
  }

  /** How many seats are taken. */
  public int seatsInUse() {
    return logins.seats().inUse();
  }

  /** How many times the legacy SSO logout endpoint of this instance was called. */
  public long ssoLogouts() {
    return sso.logouts();
  }

  /** Stops the server, then closes the engine and the Redis client. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopQuietly(server);
    feed.close();
    engine.close();
    if (redis != null) {
      redis.close();
    }
    log.info("Farewell demo stopped");
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("Could not stop the server cleanly", e);
    }
  }
}
