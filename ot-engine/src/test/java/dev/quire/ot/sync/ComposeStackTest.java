package dev.quire.ot.sync;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;
import org.junit.jupiter.api.Test;

/** Examples; {@link BulkRebaseProperties} checks ComposeStack against compose in general. */
class ComposeStackTest {
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
