package dev.quire.ot.operation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The arithmetic short path of transform against the general algorithm, exhaustively. */
class SingleEditTransformTest {

  /** Every single edit of a document of {@code length}: positions, deletes, inserts of 0-2. */
  private static List<TextOperation> singleEdits(int length) {
    List<TextOperation> ops = new ArrayList<>();
    String[] inserts = {"", "x", "😀y"};
    for (int p = 0; p <= length; p++) {
      for (int d = 0; p + d <= length; d++) {
        for (String s : inserts) {
          if (d > 0 || !s.isEmpty()) {
            ops.add(TextOperation.splice(length, p, d, s));
          }
        }
      }
    }
    return ops;
  }

  @Test
  void transform_singleEdits_equalsGeneralAlgorithm_forEveryPairUpToLength7() {
    int compared = 0;
    for (int length = 0; length <= 7; length++) {
      List<TextOperation> ops = singleEdits(length);
      for (TextOperation a : ops) {
        for (TextOperation b : ops) {
          assertThat(TextOperation.transform(a, b))
              .as("transform(%s, %s)", a, b)
              .isEqualTo(Transformer.general(a, b));
          compared++;
        }
      }
    }
    assertThat(compared).isGreaterThan(10_000);
  }

  @Test
  void singleEditShape_isRecognisedOnlyForOneEditAtOnePosition() {
    assertThat(TextOperation.splice(10, 3, 2, "ab").editPosition()).isEqualTo(3);
    assertThat(TextOperation.splice(10, 0, 0, "ab").editPosition()).isZero();
    assertThat(TextOperation.splice(10, 10, 0, "ab").editPosition()).isEqualTo(10);
    assertThat(TextOperation.identity(10).editPosition()).isEqualTo(-1);
    TextOperation twoEdits =
        TextOperation.builder().retain(1).delete(1).retain(1).insert("x").build();
    assertThat(twoEdits.editPosition()).isEqualTo(-1);
  }
}
