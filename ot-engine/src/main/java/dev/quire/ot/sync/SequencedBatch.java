package dev.quire.ot.sync;

import java.util.Objects;

/**
 * A batch as the sequencer placed it: its operations hold revisions {@code firstRevision} to {@link
 * #lastRevision()}, submitted by the authenticated {@code author} and sequenced at {@code
 * timestampMillis}; its author made its first edit at {@code madeAtMillis} by their own clock.
 */
public record SequencedBatch(
    long firstRevision, String author, long timestampMillis, long madeAtMillis, Batch batch) {

  public SequencedBatch {
    Objects.requireNonNull(author, "author == null");
    Objects.requireNonNull(batch, "batch == null");
    if (firstRevision < 1) {
      throw new IllegalArgumentException("firstRevision must be at least 1, was " + firstRevision);
    }
    if (batch.baseRevision() >= firstRevision) {
      throw new IllegalArgumentException(
          "base revision "
              + batch.baseRevision()
              + " must precede the batch's first revision "
              + firstRevision);
    }
  }

  /** A batch whose author's time is not known: taken as made when it was sequenced. */
  public SequencedBatch(long firstRevision, String author, long timestampMillis, Batch batch) {
    this(firstRevision, author, timestampMillis, timestampMillis, batch);
  }

  public long lastRevision() {
    return firstRevision + batch.size() - 1;
  }
}
