package dev.quire.ot.protocol;

/**
 * The relay's limits, told to the client in {@code welcome} so that it splits large edits rather
 * than being refused.
 *
 * @param maxMessageBytes the largest message the relay reads, in UTF-8 bytes
 * @param maxBatchOperations the most operations in one submitted batch
 * @param pageSize the most revisions in one {@code history} page (whole batches; a page may exceed
 *     it by less than one batch); a page also stays within {@code maxMessageBytes}
 * @param ratePerSecond messages per second a connection may send on average
 * @param rateBurst messages a connection may send at once after being idle
 */
public record Limits(
    int maxMessageBytes, int maxBatchOperations, int pageSize, int ratePerSecond, int rateBurst) {

  public Limits {
    requirePositive("maxMessageBytes", maxMessageBytes);
    requirePositive("maxBatchOperations", maxBatchOperations);
    requirePositive("pageSize", pageSize);
    requirePositive("ratePerSecond", ratePerSecond);
    requirePositive("rateBurst", rateBurst);
  }

  private static void requirePositive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
