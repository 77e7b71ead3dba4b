package dev.farewell.redis;

import static java.util.Objects.requireNonNull;

import dev.farewell.Release;
import dev.farewell.ReleaseReason;
import dev.farewell.SessionView;
import dev.farewell.Signal;
import dev.farewell.SignalResult;
import dev.farewell.SignalType;
import dev.farewell.redis.SeenSessions.Seen;
import dev.farewell.redis.SeenSessions.Unwritten;
import dev.farewell.spi.SessionRules;
import dev.farewell.spi.SessionStore;
import dev.farewell.spi.StoreContext;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * A {@link SessionStore} that several engine nodes share through Redis, so that a page's signals
 * may land on any node: each release is decided exactly once, in Redis, and its actions complete at
 * least once, also when the node running them dies (a second run carries the same {@link
 * dev.farewell.Release#releaseId()}).
 *
 * <pre>{@code
 * RedisSessionStore store = RedisSessionStore.newBuilder()
 *     .redisUri("redis://redis.internal:6379")   // rediss://, user:password@, /database work
 *     .keyPrefix("shop")
 *     .build();
 * Farewell farewell = Farewell.newBuilder().store(store).onRelease(...).build();
 * }</pre>
 *
 * <p>Every change to a session is one Lua script run by Redis, on Redis's clock. Each node runs a
 * sweeper that decides the release of due sessions and holds each under a lease it renews while
 * the engine's release actions run; the whole release stays in Redis until they completed, then
 * its tombstone is written and the session removed in one step. A release whose lease runs out is
 * taken over by another node. Signals of concurrent callers are written together, many per script
 * call. Heartbeats that move no deadline meaningfully are answered by the node alone and written
 * later, before the deadline last written could pass. While Redis is unreachable, signals are
 * answered from what the node has seen and written when Redis returns, before any sweeper claims
 * again. See {@code docs/multi-node.md}.
 *
 * <p>Thread-safe. A store serves one engine: pass a new one to each {@code Farewell} built.
 */
public final class RedisSessionStore implements SessionStore {

  private static final Logger logger = LoggerFactory.getLogger(RedisSessionStore.class);

  final UnifiedJedis client;
  /** With a redis-sentinel:// URI, the connections to the primary the Sentinels name; or null. */
  final SentinelPrimary sentinels;
  private final boolean ownsClient;
  final Keys keys;
  final String owner = UUID.randomUUID().toString();
  final Duration sweepInterval;
  final Duration claimLease;
  final Duration recoveryGrace;
  final Duration partitionGrace;
  private final boolean coalesceHeartbeats;
  private final long maximumLocalSessions;
  final int maximumReleasesInFlight;
  private final Duration closeTimeout;
  private final AtomicReference<StoreContext> context = new AtomicReference<>();

  SessionRules rules;
  SignalBatcher batcher;
  SeenSessions seen;
  Sweeper sweeper;
  HeldReleases held;
  long maximumSessionsPerShard;
  long maximumTombstonesPerShard;
  volatile boolean down;
  /** Tracks made while Redis could not serve, written when it can; at most maximumLocalSessions. */
  final Map<String, KeptTrack> offlineTracks = new ConcurrentHashMap<>();
  /** Releases asked for while Redis could not serve; at most maximumLocalSessions. */
  final Map<String, Kept> offlineReleases = new ConcurrentHashMap<>();

  final AtomicLong dataLosses = new AtomicLong();
  private volatile List<String> warnings = List.of();

  /**
   * A release asked for while Redis could not serve (or its reply was lost), with its id and when
   * it was asked (ticker nanos).
   */
  record Kept(ReleaseReason reason, String releaseId, long askedAt) {}

  /** A track kept while Redis could not serve, and when it was asked (ticker nanos). */
  record KeptTrack(Map<String, String> attributes, long receivedAt) {}

  private RedisSessionStore(Builder builder) {
    this.ownsClient = builder.client == null;
    if (ownsClient) {
      RedisClients.Connections connections = new RedisClients.Connections(
          builder.maximumConnections, builder.poolTimeout, builder.connectTimeout,
          builder.readTimeout);
      this.sentinels = RedisClients.sentinels(builder.uri, connections);
      this.client = RedisClients.create(builder.uri, connections, sentinels);
    } else {
      this.sentinels = null;
      this.client = builder.client;
    }
    this.keys = new Keys(builder.keyPrefix, builder.shards);
    this.sweepInterval = builder.sweepInterval;
    this.claimLease = builder.claimLease;
    this.recoveryGrace = builder.recoveryGrace;
    this.partitionGrace = builder.partitionGrace;
    this.coalesceHeartbeats = builder.coalesceHeartbeats;
    this.maximumLocalSessions = builder.maximumLocalSessions;
    this.maximumReleasesInFlight = builder.maximumReleasesInFlight;
    this.closeTimeout = builder.closeTimeout;
  }

  /** Returns a builder; {@link Builder#redisUri} or {@link Builder#client} must be given. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Called by the engine that owns this store.
   *
   * @throws IllegalStateException if the store was already started by an engine
   */
  @Override
  public void start(StoreContext context) {
    requireNonNull(context, "context");
    if (!this.context.compareAndSet(null, context)) {
      throw new IllegalStateException("a RedisSessionStore serves one engine; build one per engine");
    }
    this.rules = context.rules();
    int shards = keys.shards().size();
    this.maximumSessionsPerShard = ceilDiv(rules.maximumSessions(), shards);
    this.maximumTombstonesPerShard = ceilDiv(rules.maximumTombstones(), shards);
    this.batcher = new SignalBatcher(client, keys, List.of(
        Long.toString(rules.heartbeatTimeout().toMillis()),
        Long.toString(rules.hiddenTimeout().toMillis()),
        Long.toString(rules.exitGrace().toMillis()),
        Long.toString(rules.navigationGrace().toMillis()),
        Integer.toString(rules.maximumPagesPerSession()),
        Long.toString(maximumSessionsPerShard),
        Long.toString(recoveryGrace.toMillis()),
        Long.toString(partitionGrace.toMillis())));
    this.seen =
        new SeenSessions(
            rules.heartbeatInterval(),
            rules.heartbeatTimeout(),
            rules.hiddenTimeout(),
            maximumLocalSessions,
            coalesceHeartbeats,
            sweepInterval);
    this.warnings = checkConfiguration();
    this.held = new HeldReleases(this, context);
    this.sweeper = new Sweeper(this, context, held);
    held.start();
    sweeper.start();
  }

  @Override
  public SignalResult apply(Signal signal) {
    long now = context().ticker().read();
    Seen memo = seen.session(signal.sessionKey());
    synchronized (memo) {
      SignalResult local = seen.answerLocally(memo, signal, now);
      if (local != null) {
        return local;
      }
      if (down) {
        return offline(memo, signal, now);
      }
    }
    Unwritten superseded = seen.superseded(signal);
    try {
      SignalResult result = write(signal, 0, false);
      if (superseded != null && signal.type() == SignalType.EXIT
          && result.status() == SignalResult.Status.EXITING && !result.accepted()) {
        result = startAgainThenExit(signal, now, superseded);
      }
      seen.learn(memo, signal, now, result);
      return result;
    } catch (RuntimeException e) {
      markDownOrThrow(e);
      synchronized (memo) {
        if (superseded != null) {
          seen.keepAgain(superseded);
        }
        return offline(memo, signal, now);
      }
    }
  }

  /**
   * An exit found no session (Redis lost it: a restart without its data) while this node held the
   * page's unwritten live signal (a beat it answered alone, the exit superseding it): writes that
   * signal, which starts the session again, then the exit again, which ends it, so the session is
   * released once, with {@code EXIT}. Dropped, the beat left a session never released although its
   * page beat after the loss. Signals are idempotent by sequence number: when the exit found
   * nothing for another reason (a duplicate), these writes change nothing.
   */
  private SignalResult startAgainThenExit(Signal exit, long receivedAt, Unwritten superseded) {
    boolean exited = superseded.signal().type() == SignalType.EXIT;
    Signal live = exited ? superseded.live() : superseded.signal();
    if (live == null) {
      return SignalResult.exiting(false);
    }
    long liveAt = exited ? superseded.liveAt() : superseded.receivedAt();
    long now = context().ticker().read();
    SignalResult started = write(live, TimeUnit.NANOSECONDS.toMillis(now - liveAt), false);
    seen.learn(seen.session(live.sessionKey()), live, liveAt, started);
    return write(exit, TimeUnit.NANOSECONDS.toMillis(now - receivedAt), false);
  }

  private SignalResult offline(Seen memo, Signal signal, long now) {
    if (!seen.remember(memo, signal, now)) {
      logger.warn("Redis unreachable and the backlog is full: signal of session {} not kept",
          signal.sessionKey());
    }
    return SeenSessions.answerOffline(memo, signal);
  }

  /**
   * Writes a signal with the signal script, in a batch with the signals of concurrent callers (see
   * {@link SignalBatcher}); {@code ageMillis} says how long ago the signal was received.
   */
  SignalResult write(Signal signal, long ageMillis, boolean force) {
    return signalAnswer(signal, batcher.run(toWrite(signal, ageMillis, force)));
  }

  SignalBatcher.Write toWrite(Signal signal, long ageMillis, boolean force) {
    return new SignalBatcher.Write(signal, ageMillis, force, knownGeneration(signal.sessionKey()));
  }

  /**
   * Reads the signal script's answers for one signal and the generation they report; a generation
   * lower than the one this node saw last for the session means Redis went back in time (the
   * script then held the shard).
   */
  SignalResult signalAnswer(Signal signal, List<?> parts) {
    long generation = Scripts.number(parts.get(3));
    Seen memo = seen.session(signal.sessionKey());
    synchronized (memo) {
      memo.generation = Math.max(memo.generation, generation);
    }
    Keys.Shard shard = keys.shardOf(signal.sessionKey());
    sweeper.sawGeneration(shard, generation);
    if (Scripts.number(parts.get(4)) == 1) {
      synchronized (memo) {
        memo.generation = generation;
      }
      dataLosses.incrementAndGet();
      logger.error("Redis went back in time for session {} of shard {} (a restart from an older "
          + "snapshot or a failover to a replica that lagged): its data is older than what this "
          + "node wrote; the shard is held for {} so that beating pages write their sessions "
          + "again, and a release decided since the snapshot may be decided again",
          signal.sessionKey(), shard.index(), recoveryGrace);
    }
    return result(parts);
  }

  private long knownGeneration(String sessionKey) {
    Seen memo = seen.sessionIfPresent(sessionKey);
    if (memo == null) {
      return 0;
    }
    synchronized (memo) {
      return memo.generation;
    }
  }

  static SignalResult result(List<?> parts) {
    String status = Scripts.text(parts.get(0));
    boolean accepted = Scripts.number(parts.get(1)) == 1;
    return switch (status) {
      case "LIVE" -> SignalResult.live(accepted);
      case "EXITING" -> SignalResult.exiting(accepted);
      case "FULL" -> SignalResult.full();
      case "RELEASED" -> SignalResult.released(ReleaseReason.valueOf(Scripts.text(parts.get(2))));
      default -> throw new IllegalStateException("unexpected script answer " + status);
    };
  }

  @Override
  public SignalResult track(String sessionKey, Map<String, String> attributes) {
    seen.session(sessionKey); // remembered, so that release() can answer while Redis is away
    seen.tracked(sessionKey);
    if (!down) {
      try {
        return writeTrack(sessionKey, attributes, 0);
      } catch (RuntimeException e) {
        markDownOrThrow(e);
      }
    }
    if (offlineTracks.size() >= maximumLocalSessions && !offlineTracks.containsKey(sessionKey)) {
      logger.warn("Redis cannot serve and {} tracks are kept already: track of session {} not "
          + "kept", offlineTracks.size(), sessionKey);
      return SignalResult.live(true);
    }
    offlineTracks.merge(sessionKey,
        new KeptTrack(attributes, context().ticker().read()),
        (old, fresh) -> fresh.attributes().isEmpty()
            ? new KeptTrack(old.attributes(), fresh.receivedAt())
            : fresh);
    return SignalResult.live(true);
  }

  /**
   * Runs the track script; {@code ageMillis} says how long ago the track was asked (a track kept
   * while Redis could not serve): such a late track never starts again a session released or
   * decided after it was asked.
   */
  SignalResult writeTrack(String sessionKey, Map<String, String> attributes, long ageMillis) {
    Keys.Shard shard = keys.shardOf(sessionKey);
    return result((List<?>) Scripts.TRACK.run(client,
        List.of(shard.due(), shard.claimed(), shard.hold(), shard.session(sessionKey),
            shard.tombReasons(), shard.gen(), shard.tombMark(), shard.nodes()),
        List.of(AttributeCodec.encode(attributes), attributes.isEmpty() ? "0" : "1",
            Long.toString(rules.openTimeout().toMillis()),
            Long.toString(maximumSessionsPerShard), sessionKey, Long.toString(ageMillis),
            Long.toString(partitionGrace.toMillis()),
            Long.toString(rules.tombstoneTtl().toMillis()),
            Integer.toString(rules.maximumPagesPerSession()))));
  }

  /**
   * {@inheritDoc}
   *
   * <p>While Redis cannot serve this node, the release is kept and made when Redis returns (or
   * while this store closes, up to its close timeout; a release still kept then is dropped with an
   * ERROR and its session ends by its own deadline). This method then answers from what this node
   * knows: true for a session it tracked or saw signals of and has not seen released, false for a
   * session it already kept a release of, released, or never saw (a session known to other nodes
   * only: ask again when Redis is back). True while Redis is away thus means "kept, to be decided
   * when Redis returns": another node may have released the session meanwhile (by its deadline),
   * in which case this release is not made again.
   */
  @Override
  public boolean release(String sessionKey, ReleaseReason reason) {
    String releaseId = UUID.randomUUID().toString();
    if (!down) {
      try {
        return writeRelease(sessionKey, reason, releaseId);
      } catch (RuntimeException e) {
        // The script may have run and its reply been lost: kept with the same id, it is asked
        // again and answers the same decision.
        markDownOrThrow(e);
        offlineReleases.putIfAbsent(sessionKey,
            new Kept(reason, releaseId, context().ticker().read()));
        return true;
      }
    }
    if (!knownLive(sessionKey)) {
      return false;
    }
    if (offlineReleases.size() >= maximumLocalSessions && !offlineReleases.containsKey(sessionKey)) {
      logger.error("Redis cannot serve and {} releases are kept already: release of session {} "
          + "({}) not kept; its session ends by its own deadline", offlineReleases.size(),
          sessionKey, reason);
      return false;
    }
    return offlineReleases.putIfAbsent(sessionKey,
        new Kept(reason, releaseId, context().ticker().read())) == null;
  }

  /** Whether this node tracked or saw signals of the session, and saw no release of it. */
  private boolean knownLive(String sessionKey) {
    if (offlineTracks.containsKey(sessionKey)) {
      return true;
    }
    Seen memo = seen.sessionIfPresent(sessionKey);
    if (memo == null) {
      return false;
    }
    synchronized (memo) {
      return memo.released == null;
    }
  }

  /**
   * Decides a release in Redis and hands it to the actions; with the id of an earlier call whose
   * reply was lost, Redis answers that call's decision again.
   */
  boolean writeRelease(String sessionKey, ReleaseReason reason, String releaseId) {
    return writeRelease(sessionKey, reason, releaseId, 0);
  }

  /**
   * Decides a release asked {@code ageMillis} ago (a release kept while Redis could not serve, or
   * whose reply was lost): it never ends a session tracked after it was asked.
   */
  boolean writeRelease(String sessionKey, ReleaseReason reason, String releaseId, long ageMillis) {
    Keys.Shard shard = keys.shardOf(sessionKey);
    List<?> reply = (List<?>) Scripts.RELEASE.run(client,
        List.of(shard.due(), shard.claimed(), shard.hold(), shard.session(sessionKey),
            shard.nodes()),
        List.of(reason.name(), owner, Long.toString(claimLease.toMillis()), releaseId,
            sessionKey, Long.toString(partitionGrace.toMillis()),
            Integer.toString(rules.maximumPagesPerSession()), Long.toString(ageMillis)));
    long decided = Scripts.number(reply.get(0));
    if (decided == 2) {
      // The key was tracked again while its old session is being released: this release is of the
      // session that the acknowledgement of the old one starts, which decides it under this id.
      // Or asked again with the id of a release already decided and held by another node, which
      // acts on it.
      seen.released(sessionKey, reason);
      return true;
    }
    if (decided != 1) {
      return false;
    }
    Instant releasedAt = Instant.ofEpochMilli(Scripts.number(reply.get(3)));
    held.act(shard, new Release(sessionKey, reason,
        AttributeCodec.decode(Scripts.text(reply.get(4))),
        Instant.ofEpochMilli(Scripts.number(reply.get(1))),
        Instant.ofEpochMilli(Scripts.number(reply.get(2))), releasedAt, releasedAt, releaseId),
        false);
    try {
      // Actions that completed at once (a direct executor) are forgotten now, not at the next tick.
      held.forgetActed();
    } catch (RuntimeException e) {
      logger.debug("Forgetting acted releases failed; the sweeper retries", e);
    }
    return true;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException at once while Redis cannot serve this node (instead of waiting
   *     for a timeout per call)
   */
  @Override
  public Optional<SessionView> session(String sessionKey) {
    requireServing();
    Keys.Shard shard = keys.shardOf(sessionKey);
    try {
      return SessionViews.of(sessionKey, client.hgetAll(shard.session(sessionKey)), nowMillis());
    } catch (RuntimeException e) {
      throw cannotServe(e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException at once while Redis cannot serve this node
   */
  @Override
  public void forEachSession(Consumer<SessionView> consumer) {
    requireServing();
    try {
      scanSessions(consumer);
    } catch (RuntimeException e) {
      throw cannotServe(e);
    }
  }

  private void requireServing() {
    if (down) {
      throw new IllegalStateException("Redis cannot serve this node now; see health()");
    }
  }

  private RuntimeException cannotServe(RuntimeException error) {
    if (!Outages.isOutage(error)) {
      return error;
    }
    markDown(error);
    return new IllegalStateException("Redis cannot serve this node now; see health()", error);
  }

  private void scanSessions(Consumer<SessionView> consumer) {
    ScanParams params = new ScanParams().count(200);
    long now = nowMillis();
    for (Keys.Shard shard : keys.shards()) {
      String cursor = ScanParams.SCAN_POINTER_START;
      Set<String> done = new HashSet<>();
      do {
        ScanResult<Tuple> page = client.zscan(shard.due(), cursor, params);
        cursor = page.getCursor();
        List<String> batch = new ArrayList<>();
        for (Tuple tuple : page.getResult()) {
          if (done.add(tuple.getElement())) {
            batch.add(tuple.getElement());
          }
        }
        List<Response<Map<String, String>>> hashes = new ArrayList<>();
        try (AbstractPipeline pipeline = client.pipelined()) {
          for (String key : batch) {
            hashes.add(pipeline.hgetAll(shard.session(key)));
          }
        }
        for (int i = 0; i < batch.size(); i++) {
          String key = batch.get(i);
          SessionViews.of(key, Scripts.reply(hashes.get(i),
              () -> client.hgetAll(shard.session(key))), now).ifPresent(consumer);
        }
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException at once while Redis cannot serve this node
   */
  @Override
  public long size() {
    requireServing();
    try {
      return countSessions();
    } catch (RuntimeException e) {
      throw cannotServe(e);
    }
  }

  private long countSessions() {
    List<Response<Long>> counts = new ArrayList<>();
    try (AbstractPipeline pipeline = client.pipelined()) {
      for (Keys.Shard shard : keys.shards()) {
        counts.add(pipeline.zcard(shard.due()));
      }
    }
    long total = 0;
    for (int i = 0; i < counts.size(); i++) {
      Keys.Shard shard = keys.shards().get(i);
      total += Scripts.reply(counts.get(i), () -> client.zcard(shard.due()));
    }
    return total;
  }

  @Override
  public void cleanUp() {
    sweeper.sweepNow();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Stops sweeping; while Redis cannot serve this node, keeps trying to write what it kept
   * meanwhile until the close timeout (then drops it, with an ERROR per release dropped). Writes
   * what this node coalesced, releases the live sessions if asked, then
   * waits up to the close timeout for the actions of the releases this node holds and tells Redis
   * to forget them. Releases still running then stay in Redis and another node takes them over
   * when their lease runs out (their actions may then run twice, with the same release id).
   */
  @Override
  public void close(boolean releaseAll) {
    long deadline = System.nanoTime() + closeTimeout.toNanos();
    sweeper.close();
    try {
      awaitRedis(deadline);
      if (!down) {
        sweeper.flushUnwritten(true, false);
        if (releaseAll) {
          sweeper.sweepIgnoringPause();
          releaseAllLive(deadline);
        }
        sweeper.deregister();
      } else {
        dropKept();
      }
      if (!held.awaitAtMost(0, deadline)) {
        logger.warn("Closing with {} releases whose actions did not finish within {}: the other "
            + "nodes take them over when their lease runs out", held.size(), closeTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      logger.warn("Closing the Redis session store: {}", e.toString());
    } finally {
      held.stop();
      if (ownsClient) {
        client.close();
      }
    }
  }

  /**
   * While Redis cannot serve this node, keeps trying until {@code deadline} to write what the node
   * kept meanwhile (releases answered true, tracks, signals): they exist nowhere else.
   */
  private void awaitRedis(long deadline) throws InterruptedException {
    while (down && System.nanoTime() - deadline < 0) {
      try {
        if (sweeper.recoverWhileClosing()) {
          return;
        }
      } catch (RuntimeException e) {
        markDownOrThrow(e);
      }
      Thread.sleep(Math.max(1, Math.min(100, (deadline - System.nanoTime()) / 1_000_000)));
    }
  }

  /** Says what closing while Redis cannot serve drops: nothing else would ever make it. */
  private void dropKept() {
    for (Map.Entry<String, Kept> kept : offlineReleases.entrySet()) {
      logger.error("Closing while Redis cannot serve: release {} of session {} ({}), answered true, "
          + "is dropped; the session ends by its own deadline", kept.getValue().releaseId(),
          kept.getKey(), kept.getValue().reason());
    }
    if (!offlineTracks.isEmpty()) {
      logger.warn("Closing while Redis cannot serve: {} tracks not written", offlineTracks.size());
    }
    if (seen.unwrittenCount() > 0) {
      logger.warn("Closing while Redis cannot serve: {} signals not written",
          seen.unwrittenCount());
    }
  }

  /** Whether Redis serves this node now (see {@link RedisStoreHealth#redisUp()}). */
  @Override
  public boolean isServing() {
    return !down;
  }

  /** The releases asked for while Redis could not serve, not decided yet. */
  @Override
  public long releaseBacklog() {
    return offlineReleases.size();
  }

  /**
   * Returns this node's view of the store now: whether Redis serves it, its backlog and what it
   * took over. Cheap (no call to Redis); safe from any thread.
   *
   * @throws IllegalStateException if the store was not started by an engine
   */
  public RedisStoreHealth health() {
    context();
    return new RedisStoreHealth(!down, held.size(), held.takenOver(), seen.unwrittenCount(),
        offlineTracks.size(), offlineReleases.size(), dataLosses.get(), warnings);
  }

  /**
   * Reads Redis's eviction policy: any other than {@code noeviction} may drop a session hash under
   * memory pressure, and a session dropped so is never released. Managed Redis services may refuse
   * CONFIG; then nothing is checked.
   */
  private List<String> checkConfiguration() {
    try {
      List<?> reply = (List<?>) client.sendCommand(Protocol.Command.CONFIG, "GET",
          "maxmemory-policy");
      String value = reply.size() < 2 ? "noeviction" : Scripts.text(reply.get(1));
      if (!"noeviction".equals(value)) {
        String warning = "Redis evicts keys under memory pressure (maxmemory-policy " + value
            + "): a session it evicts is never released; set maxmemory-policy noeviction";
        logger.warn(warning);
        return List.of(warning);
      }
    } catch (RuntimeException e) {
      logger.info("Could not read Redis's maxmemory-policy ({}); make sure it is noeviction",
          e.toString());
    }
    return List.of();
  }

  /**
   * Releases every live session with {@code SHUTDOWN}, a page of the deadline set at a time and no
   * more at once than this node has room for; sessions left when the close timeout ends stay live
   * for the other nodes (or end by their deadlines).
   */
  private void releaseAllLive(long deadline) throws InterruptedException {
    ScanParams params = new ScanParams().count(500);
    for (Keys.Shard shard : keys.shards()) {
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<Tuple> page = client.zscan(shard.due(), cursor, params);
        cursor = page.getCursor();
        for (Tuple tuple : page.getResult()) {
          if (!held.awaitAtMost(maximumReleasesInFlight - 1, deadline)) {
            logger.warn("Close timeout reached while releasing every session: the rest stay live");
            return;
          }
          writeRelease(tuple.getElement(), ReleaseReason.SHUTDOWN, UUID.randomUUID().toString());
        }
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
  }

  /** Takes the outage path for errors that mean Redis cannot serve now; rethrows the others. */
  void markDownOrThrow(RuntimeException error) {
    if (!Outages.isOutage(error)) {
      throw error;
    }
    markDown(error);
  }

  void markDown(RuntimeException cause) {
    if (!down) {
      down = true;
      logger.warn("Redis unreachable ({}); answering signals from this node's memory until it "
          + "returns", cause.toString());
    }
  }

  /** Now for the views: dashboards tolerate the node's clock. */
  private long nowMillis() {
    StoreContext ctx = context();
    return ctx.toInstant(ctx.ticker().read()).toEpochMilli();
  }

  StoreContext context() {
    StoreContext ctx = context.get();
    if (ctx == null) {
      throw new IllegalStateException("the store is not started: pass it to Farewell.Builder.store");
    }
    return ctx;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  /**
   * Builds a {@link RedisSessionStore}. Every setter checks its argument at once and may be called
   * once. Not thread-safe.
   */
  public static final class Builder {
    /** The connections the store uses at once; see {@link #maximumConnections}. */
    static final int MINIMUM_CONNECTIONS = SignalBatcher.IN_FLIGHT + 2;
    private static final List<String> CONNECTION_SETTINGS =
        List.of("maximumConnections", "poolTimeout", "connectTimeout", "readTimeout");

    private URI uri;
    private UnifiedJedis client;
    private String keyPrefix = "farewell";
    private int shards = 1;
    private Duration sweepInterval = Duration.ofMillis(250);
    private Duration claimLease = Duration.ofSeconds(5);
    private Duration recoveryGrace = Duration.ofSeconds(10);
    private Duration partitionGrace = Duration.ofSeconds(30);
    private boolean coalesceHeartbeats = true;
    private long maximumLocalSessions = 100_000;
    private int maximumReleasesInFlight = 1_000;
    private Duration closeTimeout = Duration.ofSeconds(10);
    private int maximumConnections = 16;
    private Duration poolTimeout = Duration.ofMillis(500);
    private Duration connectTimeout = Duration.ofSeconds(1);
    private Duration readTimeout = Duration.ofSeconds(1);
    private final Arguments.SetOnce set = new Arguments.SetOnce();

    private Builder() {}


    /**
     * The Redis to use, in one of these forms (the store opens a connection pool and closes it with
     * the engine; either this or {@link #client} is required):
     *
     * <ul>
     *   <li>{@code redis://[[user]:password@]host[:port][/database]}, or {@code rediss://…} for
     *       TLS (the JVM's trust store applies): one server;
     *   <li>{@code redis-cluster://[[user]:password@]host:port[,host:port…]}: a Redis Cluster, any
     *       of its nodes (give {@link #shards} a few per primary);
     *   <li>{@code redis-sentinel://[[user]:password@]host:port[,host:port…]/primaryName[/database]}:
     *       the primary the Sentinels at these addresses name {@code primaryName}; the password is
     *       the primary's (the Sentinels are asked without one).
     * </ul>
     *
     * @throws IllegalArgumentException if the scheme is none of these, or the hosts or the
     *     primary's name are missing
     */
    public Builder redisUri(URI uri) {
      requireNonNull(uri, "uri");
      RedisClients.check(uri);
      set.mark("redisUri");
      this.uri = uri;
      return this;
    }

    /** Same as {@link #redisUri(URI)} from text. */
    public Builder redisUri(String uri) {
      requireNonNull(uri, "uri");
      return redisUri(URI.create(uri));
    }

    /**
     * A Jedis client the application built (a {@code RedisClient} with its own TLS, password and
     * pool settings, or a {@code RedisClusterClient} for Redis Cluster). The store does not close
     * it. Either this or {@link #redisUri} is required. Give it a bounded wait for a connection
     * and timeouts (see {@link #maximumConnections} and what follows it): Jedis waits for a free
     * connection for ever by default, and a caller waiting on Redis is a request thread held.
     */
    public Builder client(UnifiedJedis client) {
      set.mark("client");
      this.client = requireNonNull(client, "client");
      return this;
    }

    /**
     * Starts every Redis key of the store, so several applications share one Redis. Default
     * {@code farewell}. Every node of one application must use the same prefix.
     *
     * @throws IllegalArgumentException if empty or containing braces or whitespace
     */
    public Builder keyPrefix(String prefix) {
      requireNonNull(prefix, "prefix");
      if (prefix.isEmpty() || !prefix.matches("[^{}\\s]+")) {
        throw new IllegalArgumentException(
            "keyPrefix must be non-empty, without braces or whitespace, was '" + prefix + "'");
      }
      set.mark("keyPrefix");
      this.keyPrefix = prefix;
      return this;
    }

    /**
     * How many shards sessions are spread over, each with its own deadline set and hash tag (one
     * Redis Cluster slot). Default 1; with Redis Cluster, a few per master (16 for three masters).
     * Every node must use the same number; changing it orphans the sessions of a running
     * application. Limits ({@code maximumSessions}, {@code maximumTombstones}) are split evenly.
     *
     * @throws IllegalArgumentException if not between 1 and 16384
     */
    public Builder shards(int shards) {
      if (shards < 1 || shards > 16384) {
        throw new IllegalArgumentException("shards must be between 1 and 16384, was " + shards);
      }
      set.mark("shards");
      this.shards = shards;
      return this;
    }

    /**
     * How often this node's sweeper looks for due sessions and writes coalesced heartbeats. A
     * release lands within its deadline plus about this interval. Default 250 ms.
     */
    public Builder sweepInterval(Duration interval) {
      set.mark("sweepInterval");
      this.sweepInterval = Arguments.positive("sweepInterval", interval);
      return this;
    }

    /**
     * How long a node holds a decided release without renewing it before another node takes it
     * over (the node died, lost its replies or stalled). The node renews every third of it while
     * the release's actions run. Default 5 s.
     */
    public Builder claimLease(Duration lease) {
      set.mark("claimLease");
      this.claimLease = Arguments.positive("claimLease", lease);
      return this;
    }

    /**
     * After Redis comes back from an outage, how long no sweeper claims anything, so that every
     * node first writes what its pages said meanwhile. Should exceed the heartbeat interval.
     * Default 10 s.
     */
    public Builder recoveryGrace(Duration grace) {
      set.mark("recoveryGrace");
      this.recoveryGrace = Arguments.positive("recoveryGrace", grace);
      return this;
    }

    /**
     * How long the sweepers of the other nodes decide no new release while a node that swept is
     * missing (it did not sweep by the time it promised: a second, or three sweep intervals). Such
     * a node may be cut off from Redis while its pages beat to it and it answers them from memory;
     * a node missing longer is taken for dead. Releases are late by up to this much after a node
     * crashes (a node that closes says so and holds nobody). Default 30 s; zero turns the hold off.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder partitionGrace(Duration grace) {
      requireNonNull(grace, "grace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("partitionGrace must be >= 0, was " + grace);
      }
      set.mark("partitionGrace");
      this.partitionGrace = grace;
      return this;
    }

    /**
     * Whether heartbeats that move no deadline meaningfully are answered by this node alone and
     * written later (before the deadline last written could pass, with room left for the page's
     * next beat: see {@code docs/multi-node.md}). Default true.
     */
    public Builder coalesceHeartbeats(boolean coalesce) {
      set.mark("coalesceHeartbeats");
      this.coalesceHeartbeats = coalesce;
      return this;
    }

    /** How many sessions this node remembers locally (for coalescing). Default 100,000. */
    public Builder maximumLocalSessions(long maximum) {
      if (maximum < 1) {
        throw new IllegalArgumentException("maximumLocalSessions must be >= 1, was " + maximum);
      }
      set.mark("maximumLocalSessions");
      this.maximumLocalSessions = maximum;
      return this;
    }

    /**
     * How many releases this node holds at most: decided or taken over, with actions running or
     * waiting for a retry. A sweeper decides no more than there is room for, so a mass expiry is
     * spread over the nodes and over time instead of overflowing the release pipeline. Keep it
     * below the engine's {@code maximumPendingReleases}. Default 1,000.
     *
     * @throws IllegalArgumentException if {@code < 1}
     */
    public Builder maximumReleasesInFlight(int maximum) {
      if (maximum < 1) {
        throw new IllegalArgumentException("maximumReleasesInFlight must be >= 1, was " + maximum);
      }
      set.mark("maximumReleasesInFlight");
      this.maximumReleasesInFlight = maximum;
      return this;
    }

    /**
     * How long {@code close} waits for the actions of the releases this node holds before leaving
     * them to the other nodes. Should not exceed the engine's shutdown timeout. Default 10 s.
     */
    public Builder closeTimeout(Duration timeout) {
      set.mark("closeTimeout");
      this.closeTimeout = Arguments.positive("closeTimeout", timeout);
      return this;
    }

    /**
     * How many connections to Redis this node opens at most (with Redis Cluster, to each Redis
     * node). The store itself needs 4 at once: two for the signal
     * batches in flight (while Redis runs one, the next is sent), one for the sweeper (claims and
     * the coalesced beats it writes) and one for the lease renewals of the releases this node
     * holds. The rest serve the calls of request threads that are not batched ({@code track},
     * {@code release}, the views). Default 16.
     *
     * @throws IllegalArgumentException if below 4
     */
    public Builder maximumConnections(int maximum) {
      if (maximum < MINIMUM_CONNECTIONS) {
        throw new IllegalArgumentException("maximumConnections must be >= " + MINIMUM_CONNECTIONS
            + " (" + SignalBatcher.IN_FLIGHT + " signal batches in flight, the sweeper and the "
            + "lease renewals), was " + maximum);
      }
      set.mark("maximumConnections");
      this.maximumConnections = maximum;
      return this;
    }

    /**
     * How long a call waits for a free connection when all {@link #maximumConnections} are busy.
     * When it passes, the call takes the outage path (see {@code docs/multi-node.md}): the signal
     * is answered from this node's memory and written when Redis serves again. Default 500 ms.
     *
     * @throws IllegalArgumentException if shorter than 1 ms or longer than 24 days
     */
    public Builder poolTimeout(Duration timeout) {
      set.mark("poolTimeout");
      this.poolTimeout = Arguments.millis("poolTimeout", timeout);
      return this;
    }

    /**
     * How long opening a connection to Redis (or to a Sentinel) may take; then the call takes the
     * outage path. Default 1 s.
     *
     * @throws IllegalArgumentException if shorter than 1 ms or longer than 24 days
     */
    public Builder connectTimeout(Duration timeout) {
      set.mark("connectTimeout");
      this.connectTimeout = Arguments.millis("connectTimeout", timeout);
      return this;
    }

    /**
     * How long a call waits for Redis's reply (or a Sentinel's); then the call takes the outage
     * path, the reply being lost (a script that ran anyway is written again later and changes
     * nothing). A request thread writing a signal to a stalled Redis thus waits about this long
     * (plus {@code poolTimeout} and {@code connectTimeout} when every connection is busy and a new
     * one must be opened), then the node makes no call until Redis serves again. With Redis
     * Cluster, a call that met a connection error is retried until this has passed since it
     * started; after two connection errors in a row Jedis renews its slot map on the caller's
     * thread, asking the nodes it knows one after another, each for up to {@code connectTimeout}
     * and this: a call to a gone primary while the other nodes stall waits that much longer.
     * Default 1 s: Redis answers the store's calls in a few milliseconds; raise it for a Redis
     * that stalls longer (a fork for a snapshot of a large data set).
     *
     * @throws IllegalArgumentException if shorter than 1 ms or longer than 24 days
     */
    public Builder readTimeout(Duration timeout) {
      set.mark("readTimeout");
      this.readTimeout = Arguments.millis("readTimeout", timeout);
      return this;
    }

    /**
     * Builds the store; with {@link #redisUri} it opens the connection pool (lazily: Redis need
     * not be up yet).
     *
     * @throws IllegalStateException if neither or both of {@code redisUri} and {@code client} were
     *     given, or the connection settings with {@code client} (they are that client's own)
     */
    public RedisSessionStore build() {
      if ((uri == null) == (client == null)) {
        throw new IllegalStateException("give exactly one of redisUri and client");
      }
      if (client != null) {
        for (String name : CONNECTION_SETTINGS) {
          if (set.isSet(name)) {
            throw new IllegalStateException(name + " configures the connections the store opens "
                + "from redisUri; set it on the client given instead");
          }
        }
      }
      return new RedisSessionStore(this);
    }
  }
}
