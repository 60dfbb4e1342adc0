package dev.quire.ot.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchTransformTest {
  private static final String[] PIECES = {"a", "xy", "😀", "🇫🇷", "é", "\n"};

  /** The pairwise loop the batch transform must equal. */
  private static List<TextOperation> pairwise(
      List<TextOperation> ops, List<TextOperation> concurrentIn) {
    List<TextOperation> concurrent = new ArrayList<>(concurrentIn);
    List<TextOperation> out = new ArrayList<>();
    for (TextOperation x : ops) {
      for (int j = 0; j < concurrent.size(); j++) {
        TransformedPair pair = TextOperation.transform(x, concurrent.get(j));
        x = pair.aPrime();
        concurrent.set(j, pair.bPrime());
      }
      out.add(x);
    }
    return out;
  }

  /** A chain of random operations from {@code text}: mostly single edits, some not. */
  private static List<TextOperation> chain(Random r, String text, int n, int shapes) {
    List<TextOperation> ops = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int len = text.codePointCount(0, text.length());
      TextOperation op;
      int kind = r.nextInt(shapes);
      if (kind == 0) {
        op = TextOperation.identity(len);
      } else if (kind == 1 && len >= 2) {
        // two edits in one operation: not a single edit
        op =
            TextOperation.builder()
                .retain(0)
                .delete(1)
                .insert(PIECES[r.nextInt(PIECES.length)])
                .retain(len - 2)
                .delete(1)
                .build();
      } else {
        int pos = r.nextInt(len + 1);
        int del = r.nextInt(3) == 0 ? Math.min(len - pos, r.nextInt(4)) : 0;
        String ins = r.nextInt(4) == 0 && del > 0 ? "" : PIECES[r.nextInt(PIECES.length)];
        op = TextOperation.splice(len, pos, del, ins);
      }
      ops.add(op);
      text = op.apply(text);
    }
    return ops;
  }

  @Test
  void equalsThePairwiseLoopForSingleEditsNoopsAndOtherShapes() {
    for (long seed = 0; seed < 4000; seed++) {
      Random r = new Random(seed);
      String text = "hello 😀 world\nsecond";
      int shapes = seed % 3 == 0 ? 2 : 10; // some runs with many noops and multi-edit operations
      List<TextOperation> ops = chain(r, text, 1 + r.nextInt(6), shapes);
      List<TextOperation> concurrent = chain(r, text, r.nextInt(12), shapes);
      List<TextOperation> before = List.copyOf(concurrent);
      assertThat(TextOperation.transformPast(ops, concurrent))
          .as("seed %d", seed)
          .isEqualTo(pairwise(ops, concurrent));
      assertThat(concurrent).isEqualTo(before);
    }
  }

  @Test
  void aBatchOnAnotherTextIsRefusedLikeThePairwiseTransform() {
    List<TextOperation> ops = List.of(TextOperation.splice(3, 0, 0, "x"));
    List<TextOperation> concurrent = List.of(TextOperation.splice(4, 0, 0, "y"));
    assertThatThrownBy(() -> TextOperation.transformPast(ops, concurrent))
        .isInstanceOf(OperationMismatchException.class);
  }
}
