package dev.quire.editor.sync;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Revision;
import dev.quire.ot.note.DocumentNotes;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.sync.CanonicalLog;
import dev.quire.ot.sync.SequencedBatch;
import dev.quire.ot.text.GapBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The canonical log as the owner thread holds it: a window of the latest revisions (the rest stays
 * in the store and is loaded on demand with {@link #prepend}), the head text, and the revisions and
 * checkpoints appended since the last {@link #drain()}, to be persisted. Owner thread only.
 */
final class LocalLog implements CanonicalLog {
  private static final int KEEP = 4 * LocalStore.CHECKPOINT_INTERVAL;

  private long from; // first revision held in ops
  private int lengthBefore; // length at from - 1
  private final ArrayList<TextOperation> ops;
  private final GapBuffer headText;
  private final List<Revision> appended = new ArrayList<>();
  private final List<LocalStore.Checkpoint> checkpoints = new ArrayList<>();
  private final DocumentNotes notes;

  LocalLog(long from, int lengthBefore, List<TextOperation> tail, String headText) {
    this(from, lengthBefore, tail, headText, new DocumentNotes());
  }

  LocalLog(
      long from, int lengthBefore, List<TextOperation> tail, String headText, DocumentNotes notes) {
    this.notes = notes;
    this.from = from;
    this.lengthBefore = lengthBefore;
    this.ops = new ArrayList<>(tail);
    this.headText = new GapBuffer(headText);
  }

  @Override
  public long head() {
    return from + ops.size() - 1;
  }

  /** True when revisions after {@code revision} up to the head, and its length, are held. */
  boolean covers(long revision) {
    return revision >= from - 1;
  }

  /** The first revision held. */
  long firstHeld() {
    return from;
  }

  @Override
  public TextOperation operation(long revision) {
    if (revision < from || revision > head()) {
      throw new IllegalStateException(
          "revision " + revision + " is not held (held: " + from + ".." + head() + ")");
    }
    return ops.get((int) (revision - from));
  }

  @Override
  public int lengthAt(long revision) {
    if (revision == from - 1) {
      return lengthBefore;
    }
    return operation(revision).targetLength();
  }

  /** Adds the revisions just before the window, loaded from the store. */
  void prepend(List<TextOperation> older, int lengthBeforeOlder) {
    ops.addAll(0, older);
    from -= older.size();
    lengthBefore = lengthBeforeOlder;
  }

  @Override
  public void append(SequencedBatch sequenced, List<TextOperation> canonical) {
    if (sequenced.firstRevision() != head() + 1) {
      throw new IllegalArgumentException(
          "batch at revision " + sequenced.firstRevision() + " does not follow head " + head());
    }
    var batch = sequenced.batch();
    notes.append(this, sequenced, canonical); // reads the revisions concurrent with the batch
    for (int i = 0; i < canonical.size(); i++) {
      TextOperation op = canonical.get(i);
      headText.apply(op);
      ops.add(op);
      long r = head();
      appended.add(
          new Revision(
              r,
              batch.baseRevision(),
              sequenced.firstRevision(),
              sequenced.author(),
              batch.clientId(),
              batch.batchSeq(),
              sequenced.timestampMillis(),
              sequenced.madeAtMillis(),
              op,
              batch.operations().get(i),
              i == canonical.size() - 1 ? batch.notes() : List.of()));
      if (r % LocalStore.CHECKPOINT_INTERVAL == 0) {
        checkpoints.add(new LocalStore.Checkpoint(r, headText.toString()));
      }
    }
    trim();
  }

  private void trim() {
    if (ops.size() > 2 * KEEP) {
      int drop = ops.size() - KEEP;
      lengthBefore = ops.get(drop - 1).targetLength();
      ops.subList(0, drop).clear();
      from += drop;
    }
  }

  /** The comments and named versions at the head revision. */
  DocumentNotes notes() {
    return notes;
  }

  /** The text at the head revision. */
  String headText() {
    return headText.toString();
  }

  boolean hasUnsaved() {
    return !appended.isEmpty() || !checkpoints.isEmpty();
  }

  /** Revisions appended since the last call. */
  List<Revision> drainRevisions() {
    List<Revision> out = List.copyOf(appended);
    appended.clear();
    return out;
  }

  /** Checkpoints reached since the last call. */
  List<LocalStore.Checkpoint> drainCheckpoints() {
    List<LocalStore.Checkpoint> out = List.copyOf(checkpoints);
    checkpoints.clear();
    return out;
  }
}
