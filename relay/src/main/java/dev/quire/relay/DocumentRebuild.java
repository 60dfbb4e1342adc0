package dev.quire.relay;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.ot.sync.Canonicaliser;
import dev.quire.ot.sync.MemoryLog;
import dev.quire.ot.sync.SequencedBatch;
import dev.quire.relay.store.HistoryStore;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes the derived history (canonical operations, checkpoints) of a document whose revisions
 * were sequenced while the relay ran with {@code --opaque}, so a relay that reads payloads can take
 * it over. Payloads are never changed.
 */
final class DocumentRebuild {
  private static final Logger log = LoggerFactory.getLogger(DocumentRebuild.class);

  private DocumentRebuild() {}

  /**
   * Replays the whole log and stores what was missing.
   *
   * @throws IllegalArgumentException when a stored payload is not an operation that applies
   */
  static void run(String doc, HistoryStore history, long head, int checkpointInterval) {
    MemoryLog replay = new MemoryLog();
    String text = "";
    List<String> canonical = new ArrayList<>();
    List<HistoryStore.Checkpoint> checkpoints = new ArrayList<>();
    CheckpointPolicy policy = new CheckpointPolicy(checkpointInterval);
    long checkpointAt = 0;
    long sizeSince = 0;
    long after = 0;
    while (after < head) {
      List<WireSequenced> page = history.page(doc, after, 1000);
      if (page.isEmpty()) {
        throw new IllegalStateException("document " + doc + " has no history after " + after);
      }
      for (WireSequenced w : page) {
        SequencedBatch b = w.toSequencedBatch();
        List<TextOperation> ops = Canonicaliser.canonicalise(replay, b.batch());
        replay.append(b, ops);
        for (TextOperation op : ops) {
          text = op.apply(text);
          canonical.add(OperationCodec.toJson(op));
          sizeSince += CheckpointPolicy.size(op);
        }
        if (policy.due(b.lastRevision() - checkpointAt, sizeSince, text.length())) {
          checkpoints.add(new HistoryStore.Checkpoint(b.lastRevision(), text));
          checkpointAt = b.lastRevision();
          sizeSince = 0;
        }
        after = b.lastRevision();
      }
    }
    history.fillDerived(doc, 1, canonical, checkpoints);
    log.info("Document {}: derived history rebuilt for {} revisions", doc, head);
  }
}
