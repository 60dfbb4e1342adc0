package dev.quire.editor.sync;

import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential from {@code initialMillis}, doubling to at most {@code maxMillis},
 * with "full jitter" (a uniform pick between half the step and the step), so that clients cut off
 * together do not all come back at the same instant. Not thread-safe: the owner thread uses it.
 */
final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private final RandomGenerator random;
  private int attempt;

  Backoff(long initialMillis, long maxMillis, RandomGenerator random) {
    if (initialMillis < 1 || maxMillis < initialMillis) {
      throw new IllegalArgumentException(
          "backoff needs 1 <= initial <= max, was " + initialMillis + " and " + maxMillis);
    }
    this.initialMillis = initialMillis;
    this.maxMillis = maxMillis;
    this.random = random;
  }

  /** The delay before the next attempt; each call backs off further. */
  long nextDelayMillis() {
    long step = initialMillis << Math.min(attempt, 30);
    if (step <= 0 || step > maxMillis) {
      step = maxMillis;
    }
    attempt++;
    long half = step / 2;
    return half + (long) (random.nextDouble() * (step - half + 1));
  }

  /** Attempts made since the last {@link #reset()}. */
  int attempts() {
    return attempt;
  }

  /** A connection succeeded: start from the shortest delay again. */
  void reset() {
    attempt = 0;
  }
}
