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
  private final MemoryLog log = new MemoryLog();
  // A client sends a batch only once the previous one is acknowledged, so only its latest batch
  // can legitimately come again: that is all deduplication needs to remember.
  // Keyed by author, then client id: strings cache their hashes, a composite key would not.
  private final Map<String, Map<String, SequencedBatch>> latest = new HashMap<>();
  private final GapBuffer text = new GapBuffer();

  /**
   * Sequences {@code batch} from {@code author}, or returns its earlier placement when it is the
   * client's latest batch sent again.
   *
   * @throws IllegalArgumentException when the batch does not apply, reuses the latest batch's
   *     identity with other content, or is older than the client's latest batch; nothing is stored
   *     then
   */
  public SequencedBatch submit(String author, Batch batch, long timestampMillis) {
    Objects.requireNonNull(author, "author == null");
    Map<String, SequencedBatch> ofAuthor = latest.computeIfAbsent(author, a -> new HashMap<>());
    SequencedBatch earlier = ofAuthor.get(batch.clientId());
    if (earlier != null && batch.batchSeq() <= earlier.batch().batchSeq()) {
      if (batch.batchSeq() < earlier.batch().batchSeq()) {
        throw new IllegalArgumentException(
            "batch "
                + batch.batchSeq()
                + " of client "
                + batch.clientId()
                + " is older than its last sequenced batch "
                + earlier.batch().batchSeq());
      }
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
    ofAuthor.put(batch.clientId(), sequenced);
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
