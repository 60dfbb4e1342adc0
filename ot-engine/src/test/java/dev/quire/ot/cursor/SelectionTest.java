package dev.quire.ot.cursor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;
import org.junit.jupiter.api.Test;

class SelectionTest {

  private static TextOperation op(String json) {
    return OperationCodec.fromJson(json);
  }

  @Test
  void caret_hasEqualAnchorAndHead() {
    Selection s = Selection.caret(3);
    assertThat(s.anchor()).isEqualTo(3);
    assertThat(s.head()).isEqualTo(3);
    assertThat(s.isCaret()).isTrue();
    assertThat(s.start()).isEqualTo(3);
    assertThat(s.end()).isEqualTo(3);
  }

  @Test
  void range_isNotACaret() {
    assertThat(new Selection(1, 4).isCaret()).isFalse();
  }

  @Test
  void startAndEnd_orderABackwardSelection() {
    Selection backward = new Selection(5, 2);
    assertThat(backward.start()).isEqualTo(2);
    assertThat(backward.end()).isEqualTo(5);
    assertThat(backward.anchor()).isEqualTo(5);
    assertThat(backward.head()).isEqualTo(2);
  }

  @Test
  void constructor_refusesNegativeAnchor() {
    assertThatThrownBy(() -> new Selection(-1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("selection positions must not be negative, were -1 and 0");
  }

  @Test
  void constructor_refusesNegativeHead() {
    assertThatThrownBy(() -> new Selection(2, -5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("selection positions must not be negative, were 2 and -5");
  }

  @Test
  void caret_refusesNegativePosition() {
    assertThatThrownBy(() -> Selection.caret(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative");
  }

  @Test
  void equalsByPositions() {
    assertThat(new Selection(1, 3)).isEqualTo(new Selection(1, 3));
    assertThat(new Selection(1, 3)).isNotEqualTo(new Selection(3, 1));
    assertThat(Selection.caret(2)).isEqualTo(new Selection(2, 2));
  }

  @Test
  void transform_insertBeforeShiftsBothEnds() {
    // "abcdef", selection "cde" = [2, 5)
    assertThat(new Selection(2, 5).transform(op("[1, \"XY\", 5]"), false))
        .isEqualTo(new Selection(4, 7));
  }

  @Test
  void transform_deleteInsideShrinksTheSelection() {
    assertThat(new Selection(2, 5).transform(op("[3, -1, 2]"), false))
        .isEqualTo(new Selection(2, 4));
  }

  @Test
  void transform_deleteCoveringTheSelectionCollapsesItToACaret() {
    Selection s = new Selection(2, 5).transform(op("[1, -5]"), false);
    assertThat(s).isEqualTo(Selection.caret(1));
    assertThat(s.isCaret()).isTrue();
  }

  @Test
  void transform_othersInsertAtSelectionStartJoinsTheSelection() {
    // Someone else's text at the start lands after the anchor: it ends up selected.
    assertThat(new Selection(2, 5).transform(op("[2, \"XY\", 4]"), false))
        .isEqualTo(new Selection(2, 7));
  }

  @Test
  void transform_othersInsertAtSelectionEndStaysOutside() {
    assertThat(new Selection(2, 5).transform(op("[5, \"XY\", 1]"), false))
        .isEqualTo(new Selection(2, 5));
  }

  @Test
  void transform_ownTypingAtACaretMovesTheCaret() {
    assertThat(Selection.caret(3).transform(op("[3, \"abc\", 3]"), true))
        .isEqualTo(Selection.caret(6));
  }

  @Test
  void transform_keepsTheDirectionOfABackwardSelection() {
    assertThat(new Selection(5, 2).transform(op("[\"X\", 6]"), false))
        .isEqualTo(new Selection(6, 3));
  }

  @Test
  void transform_refusesSelectionBeyondTheDocument() {
    assertThatThrownBy(() -> new Selection(1, 7).transform(TextOperation.identity(6), true))
        .isInstanceOf(OperationMismatchException.class)
        .hasMessage("caret at 7 is outside a document of 6 code points");
  }
}
