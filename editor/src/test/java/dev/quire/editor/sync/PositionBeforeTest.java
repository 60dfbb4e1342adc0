package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.cursor.Selection;
import dev.quire.ot.operation.TextOperation;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PositionBeforeTest {
  /**
   * The placeholder inverse moves carets exactly as the true inverse does, with transforming past
   * the inverse, for random edits.
   */
  @Test
  void agreesWithTransformingPastTheInverse() {
    Random r = new Random(11);
    for (int round = 0; round < 3000; round++) {
      StringBuilder doc = new StringBuilder();
      int len = r.nextInt(12);
      for (int i = 0; i < len; i++) {
        doc.append(r.nextBoolean() ? "😀" : "a");
      }
      String before = doc.toString();
      TextOperation.Builder b = TextOperation.builder();
      int left = len;
      while (left > 0) {
        int n = 1 + r.nextInt(left);
        switch (r.nextInt(3)) {
          case 0 -> b.retain(n);
          case 1 -> b.delete(n);
          default -> {
            b.insert("xy".substring(0, 1 + r.nextInt(2)));
            continue;
          }
        }
        left -= n;
      }
      if (r.nextBoolean()) {
        b.insert("z");
      }
      TextOperation op = b.build();
      TextOperation inverse = op.invert(before);
      for (int p = 0; p <= op.targetLength(); p++) {
        int expected = Selection.caret(p).transform(inverse, false).head();
        int shaped = Selection.caret(p).transform(Presences.shapeOfInverse(op), false).head();
        assertThat(shaped).as("%s at %d", op, p).isEqualTo(expected);
      }
    }
  }
}
