package dev.farewell.redis;

import dev.farewell.Signal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Writes signals with the signal script, many per call: the signals of one shard go to Redis in
 * one script call (at most {@link #PER_CALL}), which applies them in order, each as if it ran
 * alone; several shards' calls go in one pipeline. So Redis pays a script's fixed cost once per
 * call instead of once per signal, and the node one round trip per batch.
 *
 * <p>Concurrent callers share batches: a caller queues its signal; the first caller that finds
 * fewer than {@link #IN_FLIGHT} batches in flight sends every signal queued (up to {@link
 * #MAXIMUM}) as one batch; once its answers are in, it wakes the caller of a signal still queued to
 * send the next batch, then hands each caller of its batch its own answer or error. A lone caller
 * sends its own signal at once: a batch never waits for company, it holds whatever queued while
 * the others were in flight.
 *
 * <p>Each caller gets exactly what it would get alone: its signal's answer, its own error (a
 * command of its signal that failed in the script; the others are applied), or, when the
 * connection failed during the batch, a connection error: its reply is lost (the script may have
 * run; the signal script ignores sequence numbers it saw, so writing it again later changes
 * nothing). After {@code NOSCRIPT} or a {@code MOVED}/{@code ASK} redirection a call is sent again
 * on its own (see {@link Scripts.Queued#answer}). When a batch meets an outage (a timeout, a lost
 * connection, no free connection), the signals queued meanwhile get it too, unsent.
 */
final class SignalBatcher {

  /** The most signals sent in one batch. */
  static final int MAXIMUM = 128;
  /**
   * How many batches may be in flight at once, each on a connection of its own: while Redis runs
   * one, the node sends the next instead of waking the callers of the last one first, and of two
   * lone callers neither waits for the other's round trip.
   */
  static final int IN_FLIGHT = 2;
  /** The most signals in one script call. */
  static final int PER_CALL = 128;
  /** The signal script's arguments before those of each signal, and per signal. */
  private static final int SETTINGS = 8;
  private static final int PER_SIGNAL = 9;

  /** How long a waiting caller sleeps at most before it looks again (a missed wake-up's bound). */
  private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /**
   * One signal to write: how long ago it was received (its deadline counts from then), whether it
   * may revive a session whose deadline passed while Redis could not serve ({@code force}), and
   * the session's generation as this node saw it last.
   */
  record Write(Signal signal, long ageMillis, boolean force, long knownGeneration) {}

  private final UnifiedJedis client;
  private final Keys keys;
  /** The script's first arguments: the rules and limits, the same for every call. */
  private final List<String> settings;
  private final Semaphore sending = new Semaphore(IN_FLIGHT);
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  /** Batches, script calls and signals sent (for tests and benchmarks). */
  final LongAdder batches = new LongAdder();
  final LongAdder calls = new LongAdder();
  final LongAdder signals = new LongAdder();

  /** One caller's signal and, once sent, its answer or error. */
  private static final class Pending {
    final Write write;
    final Thread caller = Thread.currentThread();
    Object answer;
    /** Set after answer, by the sender. */
    volatile boolean done;

    Pending(Write write) {
      this.write = write;
    }
  }

  /**
   * @param settings the signal script's first arguments: heartbeat timeout, hidden timeout, exit
   *     grace, navigation grace (ms), pages per session, sessions per shard, recovery grace and
   *     partition grace (ms)
   */
  SignalBatcher(UnifiedJedis client, Keys keys, List<String> settings) {
    if (settings.size() != SETTINGS) {
      throw new IllegalArgumentException("the signal script takes " + SETTINGS + " settings");
    }
    this.client = client;
    this.keys = keys;
    this.settings = List.copyOf(settings);
  }

  /**
   * Writes one signal, in a batch with those of concurrent callers, and returns the script's 5
   * answers for it (status, accepted, reason, generation, rolled back).
   *
   * @throws RuntimeException what writing the signal alone would throw
   */
  List<?> run(Write write) {
    Pending pending = new Pending(write);
    queue.add(pending);
    boolean interrupted = false;
    while (!pending.done) {
      if (sending.tryAcquire()) {
        sendQueued();
      } else {
        LockSupport.parkNanos(this, RECHECK_NANOS);
        interrupted |= Thread.interrupted();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return answer(pending.answer);
  }

  /** How many signals wait for a batch now. */
  int waiting() {
    return queue.size();
  }

  /**
   * Writes these signals now, in order, outside the callers' batches; returns for each its 5
   * answers or the error writing it met (see {@link #answer}).
   */
  Object[] send(List<Write> writes) {
    Object[] answers = new Object[writes.size()];
    Map<Keys.Shard, List<Integer>> byShard = new LinkedHashMap<>();
    for (int i = 0; i < writes.size(); i++) {
      byShard.computeIfAbsent(keys.shardOf(writes.get(i).signal().sessionKey()),
          shard -> new ArrayList<>()).add(i);
    }
    List<Call> calls = new ArrayList<>();
    for (Map.Entry<Keys.Shard, List<Integer>> shard : byShard.entrySet()) {
      List<Integer> indices = shard.getValue();
      for (int from = 0; from < indices.size(); from += PER_CALL) {
        calls.add(call(shard.getKey(), indices.subList(from, Math.min(indices.size(),
            from + PER_CALL)), writes));
      }
    }
    this.calls.add(calls.size());
    signals.add(writes.size());
    if (calls.size() == 1) {
      Call call = calls.get(0);
      try {
        call.spread(Scripts.SIGNAL.run(client, call.keys, call.args), answers);
      } catch (RuntimeException e) {
        call.fail(e, answers);
      }
      return answers;
    }
    List<Scripts.Queued> queued = new ArrayList<>(calls.size());
    RuntimeException failure = null;
    try (AbstractPipeline pipeline = client.pipelined()) {
      for (Call call : calls) {
        queued.add(Scripts.SIGNAL.queue(pipeline, call.keys, call.args));
      }
    } catch (RuntimeException e) {
      // Replies not read are lost replies (Scripts.reply); calls not queued get this error.
      failure = e;
    }
    for (int c = 0; c < calls.size(); c++) {
      Call call = calls.get(c);
      if (c >= queued.size()) {
        call.fail(failure, answers);
        continue;
      }
      try {
        call.spread(queued.get(c).answer(client), answers);
      } catch (RuntimeException e) {
        call.fail(e, answers);
      }
    }
    return answers;
  }

  /**
   * The 5 answers {@link #send} gave a write.
   *
   * @throws RuntimeException the error the write met instead
   */
  static List<?> answer(Object answer) {
    if (answer instanceof RuntimeException error) {
      throw error;
    }
    return (List<?>) answer;
  }

  /** One script call: the writes it carries (their indices), its keys and arguments. */
  private record Call(List<Integer> indices, List<String> keys, List<String> args) {

    void spread(Object reply, Object[] answers) {
      List<?> flat = (List<?>) reply;
      for (int i = 0; i < indices.size(); i++) {
        List<?> parts = flat.subList(5 * i, 5 * i + 5);
        answers[indices.get(i)] = "ERR".equals(Scripts.text(parts.get(0)))
            ? new JedisDataException(Scripts.text(parts.get(2)))
            : parts;
      }
    }

    void fail(RuntimeException error, Object[] answers) {
      for (int index : indices) {
        answers[index] = error;
      }
    }
  }

  private Call call(Keys.Shard shard, List<Integer> indices, List<Write> writes) {
    List<String> callKeys = new ArrayList<>(7 + indices.size());
    callKeys.add(shard.due());
    callKeys.add(shard.claimed());
    callKeys.add(shard.hold());
    callKeys.add(shard.tombReasons());
    callKeys.add(shard.gen());
    callKeys.add(shard.tombMark());
    callKeys.add(shard.nodes());
    List<String> args = new ArrayList<>(SETTINGS + PER_SIGNAL * indices.size());
    args.addAll(settings);
    for (int index : indices) {
      Write write = writes.get(index);
      Signal signal = write.signal();
      callKeys.add(shard.session(signal.sessionKey()));
      args.add(signal.sessionKey());
      args.add(signal.type().name());
      args.add(signal.pageId());
      args.add(Long.toString(signal.sequence()));
      args.add(signal.hidden() ? "1" : "0");
      args.add(signal.navigation() ? "1" : "0");
      args.add(Long.toString(Math.max(0, write.ageMillis())));
      args.add(write.force() ? "1" : "0");
      args.add(Long.toString(write.knownGeneration()));
    }
    return new Call(List.copyOf(indices), callKeys, args);
  }

  /**
   * Sends what is queued, up to {@link #MAXIMUM} signals, as one batch, holding a permit of {@code
   * sending}; once the answers are in, it lets the next batch go before it wakes this one's
   * callers, so that Redis works on the next batch meanwhile.
   */
  private void sendQueued() {
    // A woken caller whose signal went out with another's batch finds nothing to send.
    List<Pending> batch = new ArrayList<>(queue.isEmpty() ? 0 : MAXIMUM);
    Object[] answers = null;
    try {
      // Inside the try: an Error while taking signals off the queue finishes those taken.
      for (Pending next; batch.size() < MAXIMUM && (next = queue.poll()) != null; ) {
        batch.add(next);
      }
      if (!batch.isEmpty()) {
        batches.increment();
        List<Write> writes = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
          writes.add(pending.write);
        }
        answers = send(writes);
      }
    } finally {
      try {
        RuntimeException outage = answers == null ? null : outageIn(answers);
        if (outage != null) {
          // Before the permit goes back: no queued caller sends the queue meanwhile.
          failQueued(outage);
        }
      } finally {
        sending.release();
      }
      Pending next = queue.peek();
      if (next != null) {
        LockSupport.unpark(next.caller);
      }
      for (int i = 0; i < batch.size(); i++) {
        Pending pending = batch.get(i);
        // No answers: an Error escaped above; its callers must not wait for ever.
        pending.answer = answers != null
            ? answers[i]
            : new JedisConnectionException("the signal batch was not sent");
        finish(pending);
      }
    }
  }

  /** The first error of {@code answers} that means Redis cannot serve now, or null. */
  private static RuntimeException outageIn(Object[] answers) {
    for (Object answer : answers) {
      if (answer instanceof RuntimeException error && Outages.isOutage(error)) {
        return error;
      }
    }
    return null;
  }

  /**
   * Answers the signals queued while a batch met an outage with that outage, unsent: their callers
   * take the outage path at once instead of each batch of them waiting out the same timeout, one
   * after another (the store answers them from memory and writes them when Redis serves again).
   */
  private void failQueued(RuntimeException outage) {
    for (Pending pending; (pending = queue.poll()) != null; ) {
      pending.answer = new JedisConnectionException(
          "not sent: Redis could not serve the batch before it", outage);
      finish(pending);
    }
  }

  private static void finish(Pending pending) {
    pending.done = true;
    LockSupport.unpark(pending.caller);
  }
}
