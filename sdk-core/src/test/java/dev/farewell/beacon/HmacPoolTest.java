package dev.farewell.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HmacPoolTest {

  private final SecretKeySpec key =
      new SecretKeySpec("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII),
          "HmacSHA256");

  @Test
  void signaturesFromManyThreadsAreTheOnesAFreshInstanceMakes() throws Exception {
    HmacPool pool = new HmacPool(key);
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    // more threads than the pool keeps instances, so that some are cloned and some given back
    for (int t = 0; t < 3 * Runtime.getRuntime().availableProcessors() + 2; t++) {
      int thread = t;
      threads.add(
          new Thread(
              () -> {
                for (int i = 0; i < 500; i++) {
                  byte[] data = ("message " + thread + "/" + i).getBytes(StandardCharsets.UTF_8);
                  byte[] expected = HmacPool.newMac(key).doFinal(data);
                  if (!java.util.Arrays.equals(pool.sign(data), expected)) {
                    wrong.add(thread + "/" + i);
                  }
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(wrong).isEmpty();
  }
}
