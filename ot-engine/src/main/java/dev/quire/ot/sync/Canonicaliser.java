package dev.quire.ot.sync;

import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;
import java.util.ArrayList;
import java.util.List;

/**
 * Computes the canonical operations of a batch sequenced right after a log's head. Every replica
 * runs this same deterministic function, so every copy of revision r is identical.
 *
 * <p>The batch was written against the document at its base revision; the revisions between its
 * base and its place in the log were concurrent with it. Each batch operation is transformed past
 * them in order, taking precedence on insert/insert ties (it is the later one in server order), and
 * the concurrent operations are transformed past it in turn for the next batch operation.
 * Transforming one pair of operations at a time, never composed ones, is what makes the client's
 * own in-flight transforms and this function produce the very same operations.
 */
public final class Canonicaliser {
  private Canonicaliser() {}

  /**
   * The canonical operations for {@code batch} placed at revisions {@code log.head() + 1} onwards.
   *
   * @throws IllegalArgumentException when the batch's base revision is beyond the head
   * @throws OperationMismatchException when the batch does not fit the document at its base
   */
  public static List<TextOperation> canonicalise(CanonicalLog log, Batch batch) {
    long head = log.head();
    long base = batch.baseRevision();
    if (base > head) {
      throw new IllegalArgumentException(
          "batch base revision " + base + " is beyond the head revision " + head);
    }
    TextOperation first = batch.operations().get(0);
    int lengthAtBase = log.lengthAt(base);
    if (first.baseLength() != lengthAtBase) {
      throw new OperationMismatchException(
          "batch expects a document of "
              + first.baseLength()
              + " code points but revision "
              + base
              + " has "
              + lengthAtBase);
    }
    if (base == head) {
      return batch.operations(); // nothing was concurrent: the batch is canonical as sent
    }
    List<TextOperation> concurrent = new ArrayList<>((int) (head - base));
    for (long r = base + 1; r <= head; r++) {
      concurrent.add(log.operation(r));
    }
    return TextOperation.transformPast(batch.operations(), concurrent);
  }
}
