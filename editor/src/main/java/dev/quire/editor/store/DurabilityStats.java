package dev.quire.editor.store;

import java.util.Arrays;
import java.util.Locale;

/**
 * How long writes waited between being handed to the store and being committed to the file: the
 * local durability bound, measured.
 *
 * @param writes writes committed since the store opened
 * @param commits transactions that committed them (fewer than writes when grouped)
 * @param p50Millis median of the most recent writes (up to {@link #WINDOW})
 * @param p99Millis 99th percentile of the same
 * @param maxMillis the longest wait since the store opened
 */
public record DurabilityStats(
    long writes, long commits, double p50Millis, double p99Millis, double maxMillis) {
  /** How many recent writes the percentiles cover. */
  public static final int WINDOW = 8192;

  static DurabilityStats of(long writes, long commits, long[] recentNanos, int n, long maxNanos) {
    long[] sorted = Arrays.copyOf(recentNanos, n);
    Arrays.sort(sorted);
    return new DurabilityStats(
        writes, commits, pct(sorted, 0.50), pct(sorted, 0.99), maxNanos / 1e6);
  }

  private static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1e6;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%d writes in %d commits; wait to durable p50 %.2f ms, p99 %.2f ms, max %.2f ms",
        writes,
        commits,
        p50Millis,
        p99Millis,
        maxMillis);
  }
}
