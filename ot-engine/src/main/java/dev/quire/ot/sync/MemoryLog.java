package dev.quire.ot.sync;

import dev.quire.ot.operation.TextOperation;
import java.util.ArrayList;
import java.util.List;

/** A {@link CanonicalLog} held in memory, with the sequenced batches it was built from. */
public final class MemoryLog implements CanonicalLog {
  private final List<TextOperation> operations = new ArrayList<>();
  private final List<SequencedBatch> batches = new ArrayList<>();

  @Override
  public long head() {
    return operations.size();
  }

  @Override
  public TextOperation operation(long revision) {
    if (revision < 1 || revision > operations.size()) {
      throw new IndexOutOfBoundsException(
          "revision " + revision + " outside 1.." + operations.size());
    }
    return operations.get((int) (revision - 1));
  }

  @Override
  public void append(SequencedBatch sequenced, List<TextOperation> canonical) {
    if (sequenced.firstRevision() != head() + 1) {
      throw new IllegalArgumentException(
          "batch at revision " + sequenced.firstRevision() + " does not follow head " + head());
    }
    if (canonical.size() != sequenced.batch().size()) {
      throw new IllegalArgumentException(
          canonical.size() + " canonical operations for a batch of " + sequenced.batch().size());
    }
    operations.addAll(canonical);
    batches.add(sequenced);
  }

  /** The canonical operations, revision 1 first. */
  public List<TextOperation> operations() {
    return List.copyOf(operations);
  }

  /** The sequenced batches in order. */
  public List<SequencedBatch> batches() {
    return List.copyOf(batches);
  }

  /** The {@code index}-th sequenced batch, from 0. */
  public SequencedBatch batch(int index) {
    return batches.get(index);
  }

  /** The sequenced batch that holds {@code revision}. */
  public SequencedBatch batchContaining(long revision) {
    if (revision < 1 || revision > head()) {
      throw new IndexOutOfBoundsException("revision " + revision + " outside 1.." + head());
    }
    int lo = 0;
    int hi = batches.size() - 1;
    while (lo < hi) { // last batch whose first revision is <= revision
      int mid = (lo + hi + 1) >>> 1;
      if (batches.get(mid).firstRevision() <= revision) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return batches.get(lo);
  }

  /** The sequenced batches with revisions after {@code revision}, whole batches only. */
  public List<SequencedBatch> batchesAfter(long revision) {
    List<SequencedBatch> out = new ArrayList<>();
    for (int i = batches.size() - 1; i >= 0 && batches.get(i).lastRevision() > revision; i--) {
      out.add(batches.get(i));
    }
    java.util.Collections.reverse(out);
    return out;
  }
}
