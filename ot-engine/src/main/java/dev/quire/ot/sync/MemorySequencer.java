package dev.quire.ot.sync;

import dev.quire.ot.text.GapBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A central sequencer for one document, in memory: the reference for what the relay does, used by
 * trace replay and the simulation tests. It numbers each submitted batch's operations, refuses a
 * batch that does not apply (storing nothing), answers a resubmitted batch with the revisions it
 * already gave, and keeps the head text.
 */
public final class MemorySequencer {
  private record BatchKey(String author, String clientId, long batchSeq) {}

  private final MemoryLog log = new MemoryLog();
  private final Map<BatchKey, SequencedBatch> seen = new HashMap<>();
  private final GapBuffer text = new GapBuffer();

  /**
   * Sequences {@code batch} from {@code author}, or returns its earlier placement when it was
   * already sequenced.
   *
   * @throws IllegalArgumentException when the batch does not apply, or reuses a sequenced batch's
   *     identity with other content; nothing is stored then
   */
  public SequencedBatch submit(String author, Batch batch, long timestampMillis) {
    Objects.requireNonNull(author, "author == null");
    BatchKey key = new BatchKey(author, batch.clientId(), batch.batchSeq());
    SequencedBatch earlier = seen.get(key);
    if (earlier != null) {
      if (!earlier.batch().equals(batch)) {
        throw new IllegalArgumentException(
            "batch " + batch.batchSeq() + " of client " + batch.clientId() + " was resent changed");
      }
      return earlier;
    }
    var canonical = Canonicaliser.canonicalise(log, batch);
    SequencedBatch sequenced = new SequencedBatch(log.head() + 1, author, timestampMillis, batch);
    canonical.forEach(text::apply); // lengths were checked by canonicalise
    log.append(sequenced, canonical);
    seen.put(key, sequenced);
    return sequenced;
  }

  public long head() {
    return log.head();
  }

  public String text() {
    return text.toString();
  }

  public MemoryLog log() {
    return log;
  }

  /** Whole batches with revisions after {@code revision}, in order: a catch-up. */
  public List<SequencedBatch> batchesAfter(long revision) {
    return log.batchesAfter(revision);
  }
}
