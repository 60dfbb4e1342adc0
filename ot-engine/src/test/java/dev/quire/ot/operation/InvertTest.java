package dev.quire.ot.operation;

import static dev.quire.ot.operation.UnicodeSamples.FLAG_FR;
import static dev.quire.ot.operation.UnicodeSamples.GRIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InvertTest {

  private static TextOperation.Builder b() {
    return TextOperation.builder();
  }

  @Test
  void invert_insertBecomesDelete() {
    TextOperation op = b().retain(1).insert("XY").retain(2).build();
    assertThat(op.invert("abc")).hasToString("[1, -2, 2]");
  }

  @Test
  void invert_deleteReinsertsTheRemovedText() {
    TextOperation op = b().retain(1).delete(2).retain(1).build();
    assertThat(op.invert("abcd")).hasToString("[1, \"bc\", 1]");
  }

  @Test
  void invert_replacementRestoresTheOriginal() {
    TextOperation op = TextOperation.splice(4, 1, 2, "XY");
    TextOperation inverse = op.invert("abcd");
    assertThat(inverse).hasToString("[1, \"bc\", -2, 1]");
    assertThat(inverse.apply(op.apply("abcd"))).isEqualTo("abcd");
  }

  @Test
  void invert_lengthsAreSwapped() {
    TextOperation op = b().retain(2).insert("xyz").delete(1).build();
    TextOperation inverse = op.invert("abc");
    assertThat(inverse.baseLength()).isEqualTo(op.targetLength());
    assertThat(inverse.targetLength()).isEqualTo(op.baseLength());
  }

  @Test
  void invert_ofIdentityIsIdentity() {
    assertThat(TextOperation.identity(4).invert("abcd")).isEqualTo(TextOperation.identity(4));
    assertThat(TextOperation.identity(0).invert("")).isEqualTo(TextOperation.identity(0));
  }

  @Test
  void invert_twiceGivesTheOperationBack() {
    TextOperation op = TextOperation.splice(5, 1, 3, "Z");
    String before = "hello";
    assertThat(op.invert(before).invert(op.apply(before))).isEqualTo(op);
  }

  @Test
  void invert_deleteOfAstralCharactersReinsertsWholeCharacters() {
    String before = "x" + GRIN + FLAG_FR + "y";
    TextOperation op = b().retain(1).delete(3).retain(1).build();
    TextOperation inverse = op.invert(before);
    assertThat(inverse.components())
        .containsExactly(
            new Component.Retain(1), Component.Insert.of(GRIN + FLAG_FR), new Component.Retain(1));
    assertThat(inverse.apply(op.apply(before))).isEqualTo(before);
  }

  @Test
  void invert_rejectsWrongBaseLength() {
    TextOperation op = TextOperation.identity(3);
    assertThatThrownBy(() -> op.invert("ab"))
        .isInstanceOf(OperationMismatchException.class)
        .hasMessage(
            "cannot invert: operation's base length 3 does not match the document's length 2");
  }

  @Test
  void invert_rejectsDocumentWhoseUtf16LengthMatchesButCodePointLengthDoesNot() {
    // GRIN is 2 UTF-16 units but 1 code point. Accepting it would re-insert half a surrogate pair.
    TextOperation op = b().retain(1).delete(1).build();
    assertThatThrownBy(() -> op.invert(GRIN))
        .isInstanceOf(OperationMismatchException.class)
        .hasMessage(
            "cannot invert: operation's base length 2 does not match the document's length 1");
  }

  @Test
  void invert_rejectsNullDocument() {
    assertThatNullPointerException()
        .isThrownBy(() -> TextOperation.identity(0).invert(null))
        .withMessage("documentBefore == null");
  }
}
