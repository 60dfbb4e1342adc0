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
        WireBatch.of(sequenced.batch(), sequenced.madeAtMillis()));
  }

  public long lastRevision() {
    return firstRevision + batch.size() - 1;
  }

  /** The most UTF-8 bytes a page of history adds around its batches (type, id, doc, head...). */
  public static final int PAGE_OVERHEAD_BYTES = 512;

  /**
   * At least the UTF-8 size of this entry in a {@code history} or {@code sequenced} message: its
   * operations are JSON text already, counted exactly; the names around them are counted as if
   * every character were escaped. Pages are cut by it, so that none exceeds the message limit.
   */
  public long wireBytesBound() {
    long n = 190 + 6L * (author.length() + batch.clientId().length());
    for (String op : batch.operations()) {
      n += utf8Length(op) + 1;
    }
    if (batch.notes() != null) {
      n += 10 + utf8Length(batch.notes());
    }
    return n;
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return n;
  }

  /**
   * Reads the operations.
   *
   * @throws MalformedMessageException when they are not operations that chain
   */
  public SequencedBatch toSequencedBatch() {
    return new SequencedBatch(
        firstRevision, author, timestampMillis, batch.madeAt(), batch.toBatch());
  }
}
