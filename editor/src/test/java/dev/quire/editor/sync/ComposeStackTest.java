package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class ComposeStackTest {
  private static final String[] KEYS = {"a", "\n", "😀", "é", "🇫🇷", "👩‍💻", "xyz"};

  @RepeatedTest(100)
  void composed_equalsFoldingComposeFromTheLeft(RepetitionInfo info) {
    Random rnd = new Random(info.getCurrentRepetition());
    int length = rnd.nextInt(20);
    int n = 1 + rnd.nextInt(300);
    ComposeStack stack = new ComposeStack();
    TextOperation folded = null;
    for (int i = 0; i < n; i++) {
      int pos = rnd.nextInt(length + 1);
      int del = pos < length && rnd.nextInt(4) == 0 ? 1 : 0;
      TextOperation op =
          TextOperation.splice(length, pos, del, rnd.nextInt(6) == 0 ? "" : KEYS[rnd.nextInt(7)]);
      stack.add(op);
      folded = folded == null ? op : folded.compose(op);
      length = op.targetLength();
    }
    assertThat(stack.count()).isEqualTo(n);
    assertThat(stack.composed()).isEqualTo(folded);
  }

  @Test
  void add_refusesAnOperationThatDoesNotFollow() {
    ComposeStack stack = new ComposeStack();
    stack.add(TextOperation.splice(0, 0, 0, "ab"));
    stack.add(TextOperation.splice(2, 2, 0, "c"));
    assertThatThrownBy(() -> stack.add(TextOperation.splice(5, 0, 0, "x")))
        .isInstanceOf(OperationMismatchException.class);
  }

  @Test
  void composed_ofNothingIsRefused() {
    assertThatThrownBy(() -> new ComposeStack().composed())
        .isInstanceOf(IllegalStateException.class);
  }
}
