package dev.quire.ot.sync;

import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;
import java.util.ArrayList;

/**
 * Composes a run of consecutive operations into one, pairwise like a binary counter, so that each
 * step composes two operations standing for the same number of edits. Folding from the left would
 * copy the whole composed operation for every edit: O(edits x its size), which for a catch-up of
 * 10,000 keystrokes spread over a document is most of the work. Here each edit takes part in O(log
 * edits) compositions of operations about as large as the edits they stand for.
 */
final class ComposeStack {
  private final ArrayList<TextOperation> ops = new ArrayList<>();
  private final ArrayList<Integer> counts = new ArrayList<>();
  private int total;
  private int targetLength;

  /**
   * Adds the operation that follows the ones added so far.
   *
   * @throws OperationMismatchException when it does not follow them
   */
  void add(TextOperation op) {
    if (total > 0 && op.baseLength() != targetLength) {
      throw new OperationMismatchException(
          "operation expects a document of "
              + op.baseLength()
              + " code points but follows one of "
              + targetLength);
    }
    targetLength = op.targetLength();
    int n = 1;
    while (!counts.isEmpty() && counts.get(counts.size() - 1) == n) {
      op = pop().compose(op);
      n *= 2;
    }
    ops.add(op);
    counts.add(n);
    total++;
  }

  private TextOperation pop() {
    counts.remove(counts.size() - 1);
    return ops.remove(ops.size() - 1);
  }

  /** How many operations were added. */
  int count() {
    return total;
  }

  /**
   * The composition of everything added.
   *
   * @throws IllegalStateException when nothing was added
   */
  TextOperation composed() {
    if (ops.isEmpty()) {
      throw new IllegalStateException("nothing to compose");
    }
    TextOperation r = ops.get(ops.size() - 1);
    for (int i = ops.size() - 2; i >= 0; i--) {
      r = ops.get(i).compose(r);
    }
    return r;
  }
}
