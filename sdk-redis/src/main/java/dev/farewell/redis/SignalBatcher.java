package dev.farewell.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Sends the signal scripts of concurrent callers in pipelined batches, one round trip per batch.
 * A caller queues its script; the first caller that finds no batch in flight sends every script
 * queued (up to {@link #MAXIMUM}) as one pipeline, hands each caller its own reply or error, and
 * then, if scripts are still queued, wakes their caller to send the next batch. A lone caller sends
 * its own script at once, as a plain call: a batch never waits for company, it holds whatever
 * queued while the previous one was in flight.
 *
 * <p>Each caller gets exactly what it would get alone: its script's reply, its own error reply
 * (after {@code NOSCRIPT} or a {@code MOVED}/{@code ASK} redirection the script is sent again on
 * its own, see {@link Scripts.Queued#answer}), or, when the connection failed during the batch, a
 * connection error: its reply is lost (the script may have run; the signal script is idempotent by
 * sequence number, so writing it again later changes nothing).
 */
final class SignalBatcher {

  /** The most scripts sent in one pipeline. */
  static final int MAXIMUM = 128;

  /** How long a waiting caller sleeps at most before it looks again (a missed wake-up's bound). */
  private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final UnifiedJedis client;
  private final ReentrantLock sending = new ReentrantLock();
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  /** Batches and scripts sent (for tests and benchmarks). */
  final LongAdder batches = new LongAdder();
  final LongAdder scripts = new LongAdder();

  /** One caller's script and, once sent, its reply or error. */
  private static final class Pending {
    final List<String> keys;
    final List<String> args;
    final Thread caller = Thread.currentThread();
    Object reply;
    RuntimeException error;
    /** Set after reply or error, by the sender. */
    volatile boolean done;

    Pending(List<String> keys, List<String> args) {
      this.keys = keys;
      this.args = args;
    }
  }

  SignalBatcher(UnifiedJedis client) {
    this.client = client;
  }

  /**
   * Runs the signal script with these keys and arguments, in a batch with those of concurrent
   * callers, and returns its reply.
   *
   * @throws RuntimeException what running the script alone would throw
   */
  Object run(List<String> keys, List<String> args) {
    Pending pending = new Pending(keys, args);
    queue.add(pending);
    boolean interrupted = false;
    while (!pending.done) {
      if (sending.tryLock()) {
        try {
          sendQueued();
        } finally {
          sending.unlock();
        }
        Pending next = queue.peek();
        if (next != null) {
          LockSupport.unpark(next.caller);
        }
      } else {
        LockSupport.parkNanos(this, RECHECK_NANOS);
        interrupted |= Thread.interrupted();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (pending.error != null) {
      throw pending.error;
    }
    return pending.reply;
  }

  /** How many scripts wait for a batch now. */
  int waiting() {
    return queue.size();
  }

  /** Sends what is queued, up to {@link #MAXIMUM} scripts, as one batch. Holds {@code sending}. */
  private void sendQueued() {
    List<Pending> batch = new ArrayList<>(MAXIMUM);
    try {
      // Inside the try: an Error while taking scripts off the queue finishes those taken.
      for (Pending next; batch.size() < MAXIMUM && (next = queue.poll()) != null; ) {
        batch.add(next);
      }
      if (batch.isEmpty()) {
        return;
      }
      batches.increment();
      scripts.add(batch.size());
      if (batch.size() == 1) {
        Pending alone = batch.get(0);
        try {
          alone.reply = Scripts.SIGNAL.run(client, alone.keys, alone.args);
        } catch (RuntimeException e) {
          alone.error = e;
        }
        finish(alone);
        return;
      }
      List<Scripts.Queued> queued = new ArrayList<>(batch.size());
      RuntimeException failure = null;
      try (AbstractPipeline pipeline = client.pipelined()) {
        for (Pending pending : batch) {
          queued.add(Scripts.SIGNAL.queue(pipeline, pending.keys, pending.args));
        }
      } catch (RuntimeException e) {
        // Replies not read are lost replies (Scripts.reply); scripts not queued get this error.
        failure = e;
      }
      for (int i = 0; i < batch.size(); i++) {
        Pending pending = batch.get(i);
        try {
          if (i < queued.size()) {
            pending.reply = queued.get(i).answer(client);
          } else {
            pending.error = failure;
          }
        } catch (RuntimeException e) {
          pending.error = e;
        }
        finish(pending);
      }
    } finally {
      for (Pending pending : batch) {
        if (!pending.done) {
          // An Error escaped above: its callers must not wait for ever.
          pending.error = new JedisConnectionException("the signal batch was not sent");
          finish(pending);
        }
      }
    }
  }

  private static void finish(Pending pending) {
    pending.done = true;
    LockSupport.unpark(pending.caller);
  }
}
