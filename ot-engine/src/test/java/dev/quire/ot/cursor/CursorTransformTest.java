package dev.quire.ot.cursor;

import static dev.quire.ot.operation.UnicodeSamples.FAMILY;
import static dev.quire.ot.operation.UnicodeSamples.GRIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;
import org.junit.jupiter.api.Test;

/** Carets in "abcdef" (6 code points) unless said otherwise. */
class CursorTransformTest {

  private static TextOperation op(String json) {
    return OperationCodec.fromJson(json);
  }

  private static int own(int caret, String json) {
    return CursorTransform.transform(caret, op(json), true);
  }

  private static int others(int caret, String json) {
    return CursorTransform.transform(caret, op(json), false);
  }

  @Test
  void caretBeforeAllChanges_doesNotMove() {
    assertThat(own(1, "[3, \"X\", -1, 2]")).isEqualTo(1);
    assertThat(others(1, "[3, \"X\", -1, 2]")).isEqualTo(1);
    assertThat(own(0, "[3, -3]")).isZero();
  }

  @Test
  void identity_movesNoCaret() {
    for (int caret = 0; caret <= 6; caret++) {
      assertThat(own(caret, "[6]")).isEqualTo(caret);
      assertThat(others(caret, "[6]")).isEqualTo(caret);
    }
  }

  @Test
  void insertBeforeCaret_shiftsItByTheInsertedLength() {
    assertThat(own(4, "[2, \"XY\", 4]")).isEqualTo(6);
    assertThat(others(4, "[2, \"XY\", 4]")).isEqualTo(6);
  }

  @Test
  void insertAfterCaret_doesNotMoveIt() {
    assertThat(own(1, "[2, \"XY\", 4]")).isEqualTo(1);
    assertThat(others(1, "[2, \"XY\", 4]")).isEqualTo(1);
  }

  @Test
  void ownInsertExactlyAtCaret_pushesCaretAfterIt() {
    assertThat(own(2, "[2, \"XY\", 4]")).isEqualTo(4);
  }

  @Test
  void othersInsertExactlyAtCaret_leavesCaretBeforeIt() {
    assertThat(others(2, "[2, \"XY\", 4]")).isEqualTo(2);
  }

  @Test
  void insertAtCaretAtDocumentStart_pushesOnlyForOwnEdit() {
    assertThat(own(0, "[\"X\", 6]")).isEqualTo(1);
    assertThat(others(0, "[\"X\", 6]")).isZero();
  }

  @Test
  void insertAtCaretAtDocumentEnd_pushesOnlyForOwnEdit() {
    assertThat(own(6, "[6, \"XY\"]")).isEqualTo(8);
    assertThat(others(6, "[6, \"XY\"]")).isEqualTo(6);
  }

  @Test
  void insertIntoEmptyDocument() {
    assertThat(own(0, "[\"abc\"]")).isEqualTo(3);
    assertThat(others(0, "[\"abc\"]")).isZero();
  }

  @Test
  void emptyOperationOnEmptyDocument() {
    assertThat(CursorTransform.transform(0, TextOperation.identity(0), true)).isZero();
    assertThat(CursorTransform.transform(0, TextOperation.identity(0), false)).isZero();
  }

  @Test
  void deleteBeforeCaret_shiftsItBack() {
    assertThat(own(5, "[1, -2, 3]")).isEqualTo(3);
    assertThat(others(5, "[1, -2, 3]")).isEqualTo(3);
  }

  @Test
  void deleteAroundCaret_pullsItToTheStartOfTheDeletion() {
    assertThat(own(2, "[1, -3, 2]")).isEqualTo(1);
    assertThat(others(2, "[1, -3, 2]")).isEqualTo(1);
  }

  @Test
  void deleteEndingAtCaret_pullsItToTheStartOfTheDeletion() {
    assertThat(own(4, "[1, -3, 2]")).isEqualTo(1);
    assertThat(others(4, "[1, -3, 2]")).isEqualTo(1);
  }

  @Test
  void deleteStartingAtCaret_doesNotMoveIt() {
    assertThat(own(1, "[1, -3, 2]")).isEqualTo(1);
    assertThat(others(1, "[1, -3, 2]")).isEqualTo(1);
  }

  @Test
  void deleteEverything_pullsAnyCaretToZero() {
    for (int caret = 0; caret <= 6; caret++) {
      assertThat(own(caret, "[-6]")).isZero();
      assertThat(others(caret, "[-6]")).isZero();
    }
  }

  @Test
  void replacementStartingAtCaret_pushesOnlyForOwnEdit() {
    // [1, "XY", -4, 1] replaces "bcde" with "XY".
    assertThat(own(1, "[1, \"XY\", -4, 1]")).isEqualTo(3);
    assertThat(others(1, "[1, \"XY\", -4, 1]")).isEqualTo(1);
  }

  @Test
  void replacementOverCaret_putsCaretAfterTheNewText() {
    // The caret was inside the replaced text; the deletion starts after the inserted text in the
    // normalised operation, so the caret ends after "XY" whoever made the edit.
    assertThat(own(3, "[1, \"XY\", -4, 1]")).isEqualTo(3);
    assertThat(others(3, "[1, \"XY\", -4, 1]")).isEqualTo(3);
  }

  @Test
  void replacementBeforeCaret_shiftsByTheNetChange() {
    assertThat(own(6, "[1, \"XY\", -4, 1]")).isEqualTo(4);
    assertThat(others(5, "[1, \"XY\", -4, 1]")).isEqualTo(3);
  }

  @Test
  void severalEditsBeforeCaret_addUp() {
    // "abcdef" -> "aXYcf": the caret before "f" moves from 5 to 4.
    assertThat(own(5, "[1, \"XY\", -1, 1, -2, 1]")).isEqualTo(4);
    assertThat(others(5, "[1, \"XY\", -1, 1, -2, 1]")).isEqualTo(4);
  }

  @Test
  void positionsAreCodePoints() {
    // "a😀b": the caret after the emoji is at 2, and deleting the emoji moves it to 1.
    TextOperation deleteEmoji = TextOperation.splice(3, 1, 1, "");
    assertThat(CursorTransform.transform(2, deleteEmoji, false)).isEqualTo(1);
    TextOperation insertFamily = TextOperation.splice(3, 1, 0, FAMILY);
    assertThat(CursorTransform.transform(2, insertFamily, false)).isEqualTo(7);
    assertThat(CursorTransform.transform(1, insertFamily, true)).isEqualTo(6);
    TextOperation insertEmoji = TextOperation.splice(3, 3, 0, GRIN);
    assertThat(CursorTransform.transform(3, insertEmoji, true)).isEqualTo(4);
  }

  @Test
  void refusesCaretBeyondTheDocument() {
    assertThatThrownBy(() -> CursorTransform.transform(7, TextOperation.identity(6), true))
        .isInstanceOf(OperationMismatchException.class)
        .hasMessage("caret at 7 is outside a document of 6 code points");
  }

  @Test
  void refusesNegativeCaret() {
    assertThatThrownBy(() -> CursorTransform.transform(-1, TextOperation.identity(6), false))
        .isInstanceOf(OperationMismatchException.class)
        .hasMessage("caret at -1 is outside a document of 6 code points");
  }

  @Test
  void composedAndInTurnDisagree_whenTheCaretIsInsideADeletionWithAnInsertAtItsStart() {
    // Why "transform through compose(a, b)" cannot always equal "transform through a, then b":
    // three histories on "abcd" compose to the same operation, [1, "X", -2, 1], yet move a caret
    // at 2 (between "b" and "c") to different places, for either value of ownEdit.
    TextOperation composed = op("[1, \"X\", -2, 1]");
    // History 1: delete "bc" (the caret is pulled to 1), then insert "X" at 1, exactly at the
    // caret.
    TextOperation deleteBc = op("[1, -2, 1]");
    TextOperation insertXAt1 = op("[1, \"X\", 1]");
    // History 2: insert "XY" at 1, before the caret (which moves to 4), then delete "Ybc" around
    // it.
    TextOperation insertXy = op("[1, \"XY\", 3]");
    TextOperation deleteYbc = op("[2, -3, 1]");
    // History 3: insert "X" at 3, after the caret, then delete "bc" around the caret.
    TextOperation insertXAt3 = op("[3, \"X\", 1]");
    TextOperation deleteBcBeforeX = op("[1, -2, 2]");
    assertThat(deleteBc.compose(insertXAt1)).isEqualTo(composed);
    assertThat(insertXy.compose(deleteYbc)).isEqualTo(composed);
    assertThat(insertXAt3.compose(deleteBcBeforeX)).isEqualTo(composed);

    // Someone else's edits: 1 (before "X"), 2 (after "X"), 1.
    assertThat(inTurn(2, deleteBc, insertXAt1, false)).isEqualTo(1);
    assertThat(inTurn(2, insertXy, deleteYbc, false)).isEqualTo(2);
    assertThat(inTurn(2, insertXAt3, deleteBcBeforeX, false)).isEqualTo(1);
    // Own edits: 2, 2, 1.
    assertThat(inTurn(2, deleteBc, insertXAt1, true)).isEqualTo(2);
    assertThat(inTurn(2, insertXy, deleteYbc, true)).isEqualTo(2);
    assertThat(inTurn(2, insertXAt3, deleteBcBeforeX, true)).isEqualTo(1);
    // The composed operation can give only one answer; it puts the caret after "X".
    assertThat(CursorTransform.transform(2, composed, false)).isEqualTo(2);
    assertThat(CursorTransform.transform(2, composed, true)).isEqualTo(2);
  }

  private static int inTurn(int caret, TextOperation a, TextOperation b, boolean ownEdit) {
    return CursorTransform.transform(CursorTransform.transform(caret, a, ownEdit), b, ownEdit);
  }
}
