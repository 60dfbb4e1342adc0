package dev.quire.ot.sync;

import dev.quire.ot.operation.TextOperation;

/**
 * A document's history as every replica agrees on it: revision {@code r} (from 1 to {@link
 * #head()}) is the canonical operation that turns the document at {@code r - 1} into the document
 * at {@code r}. Revision 0 is the empty document.
 */
public interface CanonicalLog {

  /** The latest revision, 0 when the log is empty. */
  long head();

  /** The canonical operation of {@code revision}, from 1 to {@link #head()}. */
  TextOperation operation(long revision);

  /** The document's length in code points at {@code revision}. */
  default int lengthAt(long revision) {
    return revision == 0 ? 0 : operation(revision).targetLength();
  }

  /**
   * Appends the canonical operations of a sequenced batch; {@code sequenced} starts at head + 1.
   */
  void append(SequencedBatch sequenced, java.util.List<TextOperation> canonical);
}
