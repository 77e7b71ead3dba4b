package dev.farewell.beacon;

import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Initialised HMAC-SHA256 instances for one secret, lent out one request at a time: a free one is
 * taken without a lock, and only when all are lent is another made (by cloning, much cheaper than a
 * provider look-up and a key set-up). At most a few per core are kept. Thread-safe.
 */
final class HmacPool {

  /** The length of a signature. */
  static final int MAC_BYTES = 32;

  private final SecretKeySpec key;
  private final Mac prototype;
  private final AtomicReferenceArray<Mac> free;

  HmacPool(SecretKeySpec key) {
    this.key = key;
    this.prototype = newMac(key);
    this.free = new AtomicReferenceArray<>(2 * Runtime.getRuntime().availableProcessors());
  }

  /** HMAC-SHA256 of {@code data} under this pool's secret. */
  byte[] sign(byte[] data) {
    Mac mac = take();
    byte[] signature = mac.doFinal(data); // which also resets it for the next request
    give(mac);
    return signature;
  }

  /**
   * HMAC-SHA256 of {@code data[0, length)} under this pool's secret, written into {@code out} from
   * {@code at} on ({@link #MAC_BYTES} bytes), without an array of its own.
   */
  void sign(byte[] data, int length, byte[] out, int at) {
    Mac mac = take();
    try {
      mac.update(data, 0, length);
      mac.doFinal(out, at); // which also resets it for the next request
    } catch (ShortBufferException e) {
      throw new IllegalArgumentException("no room for the signature", e);
    }
    give(mac);
  }

  private Mac take() {
    for (int i = 0; i < free.length(); i++) {
      if (free.getPlain(i) != null) {
        Mac mac = free.getAndSet(i, null);
        if (mac != null) {
          return mac;
        }
      }
    }
    try {
      return (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      return newMac(key);
    }
  }

  private void give(Mac mac) {
    for (int i = 0; i < free.length(); i++) {
      if (free.getPlain(i) == null && free.compareAndSet(i, null, mac)) {
        return;
      }
    }
  }

  static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
