package dev.quire.ot.protocol;

import dev.quire.ot.codec.MalformedMessageException;
import dev.quire.ot.sync.SequencedBatch;
import java.util.Objects;

/**
 * A {@link SequencedBatch} as it travels: its operations hold revisions {@code firstRevision} to
 * {@link #lastRevision()}; {@code author} is the authenticated user who submitted it.
 */
public record WireSequenced(
    long firstRevision, String author, long timestampMillis, WireBatch batch) {

  public WireSequenced {
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

  public static WireSequenced of(SequencedBatch sequenced) {
    return new WireSequenced(
        sequenced.firstRevision(),
        sequenced.author(),
        sequenced.timestampMillis(),
        WireBatch.of(sequenced.batch()));
  }

  public long lastRevision() {
    return firstRevision + batch.size() - 1;
  }

  /**
   * Reads the operations.
   *
   * @throws MalformedMessageException when they are not operations that chain
   */
  public SequencedBatch toSequencedBatch() {
    return new SequencedBatch(firstRevision, author, timestampMillis, batch.toBatch());
  }
}
