package dev.quire.relay;

import dev.quire.ot.operation.Component;
import dev.quire.ot.operation.TextOperation;

/**
 * When a readable document's whole text is stored as a checkpoint: after a batch, once the
 * operations since the last checkpoint amount to a good share of the text. Precisely, a checkpoint
 * is due when
 *
 * <ul>
 *   <li>at least {@code interval} revisions came since the last one and their operations' size is
 *       at least half the text's length, or
 *   <li>their size reaches twice the text's length (and at least {@value #FORCED_MINIMUM}),
 *       whatever the count of revisions,
 * </ul>
 *
 * <p>where the operations' size is, per operation, the number of characters it inserts plus one per
 * component ({@link #size}, never more than the length of its JSON text), plus {@value
 * #REVISION_WEIGHT} per revision: a revision costs a stored row and a step of the replay whatever
 * it inserts, so a large text typed into one keystroke at a time gets a checkpoint every few
 * hundred thousand revisions rather than only after millions. Each checkpoint so costs at most
 * twice the revisions that came before it, counted so: all of a document's checkpoints together
 * hold at most twice its operations' size plus {@value #REVISION_WEIGHT} per revision (about what
 * its rows take), wherever its revisions came from (a large import in many revisions, or years of
 * typing). And the operations after the latest checkpoint, which loading the document and answering
 * a history at a revision replay, stay under twice the text (or {@value #FORCED_MINIMUM}) plus the
 * last batch's.
 */
final class CheckpointPolicy {
  /** The size of operations that forces a checkpoint of a short text, whatever their count. */
  static final long FORCED_MINIMUM = 64 * 1024;

  /** What one revision counts for beside its operation's size: about its stored row's bytes. */
  static final long REVISION_WEIGHT = 100;

  private final int interval;

  CheckpointPolicy(int interval) {
    if (interval < 1) {
      throw new IllegalArgumentException("checkpoint interval must be at least 1: " + interval);
    }
    this.interval = interval;
  }

  /**
   * True when a checkpoint is due after {@code revisions} revisions since the last one (or since
   * the start), whose operations have {@code operationsSize} together, the text being {@code
   * textLength} long after them.
   */
  boolean due(long revisions, long operationsSize, long textLength) {
    long size = operationsSize + REVISION_WEIGHT * revisions;
    return (revisions >= interval && 2 * size >= textLength)
        || size >= Math.max(2 * textLength, FORCED_MINIMUM);
  }

  /** The size of {@code op} as this policy counts it: characters inserted plus its components. */
  static long size(TextOperation op) {
    long size = op.componentCount();
    for (int i = 0, n = op.componentCount(); i < n; i++) {
      if (op.component(i) instanceof Component.Insert ins) {
        size += ins.length();
      }
    }
    return size;
  }
}
