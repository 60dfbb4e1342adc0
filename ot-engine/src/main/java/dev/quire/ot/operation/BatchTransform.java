package dev.quire.ot.operation;

import dev.quire.ot.operation.Component.Insert;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A batch of operations transformed past the operations made concurrently with it, as {@link
 * TextOperation#transformPast} describes. The relay does this for every batch, past every revision
 * since the batch's base: with many authors that is thousands of pairs per batch. While every
 * operation is a single edit (or changes nothing) the pairs are computed on plain numbers with
 * {@link SingleEditTransform}'s arithmetic, and operations are built only for the results; at the
 * first pair that is not of that shape it carries on pair by pair with {@link
 * TextOperation#transform}, so the results are always exactly those of the pairwise loop.
 */
final class BatchTransform {
  // The concurrent operations, as numbers: position, insert (null: none), deletion, text length.
  private final int[] position;
  private final @Nullable Insert[] insert;
  private final int[] delete;
  private final int[] length;
  private final int[] out = new int[3];

  private BatchTransform(int n) {
    position = new int[n];
    insert = new Insert[n];
    delete = new int[n];
    length = new int[n];
  }

  static List<TextOperation> past(List<TextOperation> ops, List<TextOperation> concurrent) {
    List<TextOperation> result = new ArrayList<>(ops.size());
    BatchTransform t = new BatchTransform(concurrent.size());
    for (int j = 0; j < concurrent.size(); j++) {
      if (!t.take(j, concurrent.get(j))) {
        return pairwise(ops, 0, new ArrayList<>(concurrent), result);
      }
    }
    for (int i = 0; i < ops.size(); i++) {
      TextOperation x = ops.get(i);
      if (!simple(x)) {
        return pairwise(ops, i, t.operations(), result);
      }
      int xp = x.editPosition();
      @Nullable Insert xi = x.editInsert();
      int xd = x.editDelete();
      int xl = x.baseLength();
      for (int j = 0; j < t.position.length; j++) {
        int xiLength = xi == null ? 0 : xi.length();
        int ci = t.insertLength(j);
        if (xl != t.length[j]) {
          // Not the same text: the pairwise transform says so, with its message.
          return t.resume(ops, i, j, edit(xp, xi, xd, xl), result);
        }
        if ((xi == null && xd == 0) || (t.insert[j] == null && t.delete[j] == 0)) {
          // Past an operation that changes nothing, the other stays as it is, on its new text.
          int xTarget = xl + xiLength - xd;
          xl = t.length[j] + ci - t.delete[j];
          t.length[j] = xTarget;
          continue;
        }
        int[] o = t.out;
        // x past c (x first on a tie), then c past x: the two halves of TextOperation.transform.
        if (!SingleEditTransform.past(
            xp, xiLength, xd, xl, t.position[j], ci, t.delete[j], true, o)) {
          return t.resume(ops, i, j, edit(xp, xi, xd, xl), result);
        }
        int nxp = o[0];
        int nxd = o[1];
        int nxl = o[2];
        if (!SingleEditTransform.past(
            t.position[j], ci, t.delete[j], t.length[j], xp, xiLength, xd, false, o)) {
          return t.resume(ops, i, j, edit(xp, xi, xd, xl), result);
        }
        t.position[j] = o[0];
        t.delete[j] = o[1];
        t.length[j] = o[2];
        xp = nxp;
        xd = nxd;
        xl = nxl;
      }
      result.add(edit(xp, xi, xd, xl));
    }
    return result;
  }

  /** A single edit, or an identity when it neither inserts nor deletes. */
  private static TextOperation edit(int position, @Nullable Insert insert, int delete, int length) {
    if (insert == null && delete == 0) {
      return TextOperation.identity(length);
    }
    return TextOperation.singleEdit(position, insert, delete, length - position - delete);
  }

  private static boolean simple(TextOperation op) {
    return op.editPosition() >= 0 || op.isNoop();
  }

  private boolean take(int j, TextOperation c) {
    if (!simple(c)) {
      return false;
    }
    position[j] = Math.max(0, c.editPosition());
    insert[j] = c.editPosition() >= 0 ? c.editInsert() : null;
    delete[j] = c.editPosition() >= 0 ? c.editDelete() : 0;
    length[j] = c.baseLength();
    return true;
  }

  private int insertLength(int j) {
    return insert[j] == null ? 0 : insert[j].length();
  }

  /** The concurrent operations as they stand. */
  private List<TextOperation> operations() {
    List<TextOperation> ops = new ArrayList<>(position.length);
    for (int j = 0; j < position.length; j++) {
      ops.add(edit(position[j], insert[j], delete[j], length[j]));
    }
    return ops;
  }

  /** Carries on pairwise from op {@code i} (now {@code x}), concurrent {@code j}. */
  private List<TextOperation> resume(
      List<TextOperation> ops, int i, int j, TextOperation x, List<TextOperation> result) {
    List<TextOperation> concurrent = operations();
    for (int k = j; k < concurrent.size(); k++) {
      TransformedPair pair = TextOperation.transform(x, concurrent.get(k));
      x = pair.aPrime();
      concurrent.set(k, pair.bPrime());
    }
    result.add(x);
    return pairwise(ops, i + 1, concurrent, result);
  }

  /** The plain loop, from op {@code from} on. */
  private static List<TextOperation> pairwise(
      List<TextOperation> ops, int from, List<TextOperation> concurrent, List<TextOperation> out) {
    for (int i = from; i < ops.size(); i++) {
      TextOperation x = ops.get(i);
      for (int j = 0; j < concurrent.size(); j++) {
        TransformedPair pair = TextOperation.transform(x, concurrent.get(j));
        x = pair.aPrime();
        concurrent.set(j, pair.bPrime());
      }
      out.add(x);
    }
    return out;
  }
}
