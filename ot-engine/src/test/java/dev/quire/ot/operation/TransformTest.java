package dev.quire.ot.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.codec.OperationCodec;
import org.junit.jupiter.api.Test;

/**
 * Agreement with ot.js: each expected pair is what ot.js's {@code TextOperation.transform(op1,
 * op2)} returns as {@code [op1', op2']}, worked out by hand by stepping through its loop (inserts
 * of op1 first, then inserts of op2, then retain/delete pairs). Operations are written in the ot.js
 * JSON form and read with the codec.
 */
class TransformTest {

  private static TextOperation op(String json) {
    return OperationCodec.fromJson(json);
  }

  /** Checks ot.js's answer and that both paths reach {@code expectedText}. */
  private static void assertTransform(
      String doc,
      String a,
      String b,
      String expectedAPrime,
      String expectedBPrime,
      String expectedText) {
    TextOperation opA = op(a);
    TextOperation opB = op(b);
    TransformedPair pair = TextOperation.transform(opA, opB);
    assertThat(pair.aPrime()).as("a'").isEqualTo(op(expectedAPrime));
    assertThat(pair.bPrime()).as("b'").isEqualTo(op(expectedBPrime));
    assertThat(pair.aPrime()).hasToString(expectedAPrime);
    assertThat(pair.bPrime()).hasToString(expectedBPrime);
    assertThat(pair.bPrime().apply(opA.apply(doc))).as("a then b'").isEqualTo(expectedText);
    assertThat(pair.aPrime().apply(opB.apply(doc))).as("b then a'").isEqualTo(expectedText);
    assertThat(opA.compose(pair.bPrime())).isEqualTo(opB.compose(pair.aPrime()));
  }

  @Test
  void transform_insertInsertTie_firstArgumentsInsertGoesFirst() {
    // Both insert at 1 in "abc": a's "X" lands before b's "Y".
    assertTransform(
        "abc", "[1, \"X\", 2]", "[1, \"Y\", 2]", "[1, \"X\", 3]", "[2, \"Y\", 2]", "aXYbc");
  }

  @Test
  void transform_insertInsertTie_swappingArgumentsSwapsTheOrder() {
    assertTransform(
        "abc", "[1, \"Y\", 2]", "[1, \"X\", 2]", "[1, \"Y\", 3]", "[2, \"X\", 2]", "aYXbc");
  }

  @Test
  void transform_insertInsertTieAtStart() {
    assertTransform("ab", "[\"X\", 2]", "[\"Y\", 2]", "[\"X\", 3]", "[1, \"Y\", 2]", "XYab");
  }

  @Test
  void transform_insertInsertTieAtEnd() {
    assertTransform("ab", "[2, \"X\"]", "[2, \"Y\"]", "[2, \"X\", 1]", "[3, \"Y\"]", "abXY");
  }

  @Test
  void transform_insertInsertIntoEmptyDocument() {
    assertTransform("", "[\"X\"]", "[\"Y\"]", "[\"X\", 1]", "[1, \"Y\"]", "XY");
  }

  @Test
  void transform_insertsAtDifferentPositions() {
    assertTransform(
        "abcd", "[1, \"X\", 3]", "[3, \"Y\", 1]", "[1, \"X\", 4]", "[4, \"Y\", 1]", "aXbcYd");
  }

  @Test
  void transform_deleteDeleteOverlap() {
    // a deletes "bcd", b deletes "cde" from "abcdef": only "b" and "e" are left to delete.
    assertTransform("abcdef", "[1, -3, 2]", "[2, -3, 1]", "[1, -1, 1]", "[1, -1, 1]", "af");
  }

  @Test
  void transform_deleteDeleteSameRange_bothBecomeIdentity() {
    assertTransform("abc", "[-3]", "[-3]", "[]", "[]", "");
  }

  @Test
  void transform_deleteDeleteOneContainsTheOther() {
    // a deletes "bcde", b deletes "cd": a' deletes what is left, b' nothing.
    assertTransform("abcdef", "[1, -4, 1]", "[2, -2, 2]", "[1, -2, 1]", "[2]", "af");
  }

  @Test
  void transform_insertInsideDeletedRange_insertSurvives() {
    // a inserts "XY" at 3, b deletes "bcde" around it.
    assertTransform(
        "abcdef", "[3, \"XY\", 3]", "[1, -4, 1]", "[1, \"XY\", 1]", "[1, -2, 2, -2, 1]", "aXYf");
  }

  @Test
  void transform_deleteAroundInsert_argumentsSwapped() {
    assertTransform(
        "abcdef", "[1, -4, 1]", "[3, \"XY\", 3]", "[1, -2, 2, -2, 1]", "[1, \"XY\", 1]", "aXYf");
  }

  @Test
  void transform_insertAtStartOfDeletedRange() {
    assertTransform("abc", "[1, \"X\", 2]", "[1, -1, 1]", "[1, \"X\", 1]", "[2, -1, 1]", "aXc");
  }

  @Test
  void transform_deleteThenInsertAtItsStart_argumentsSwapped() {
    assertTransform("abc", "[1, -1, 1]", "[1, \"X\", 2]", "[2, -1, 1]", "[1, \"X\", 1]", "aXc");
  }

  @Test
  void transform_insertAtEndOfDeletedRange() {
    assertTransform("abc", "[2, \"X\", 1]", "[1, -1, 1]", "[1, \"X\", 1]", "[1, -1, 2]", "aXc");
  }

  @Test
  void transform_replaceAgainstOverlappingReplace() {
    // a replaces "bc" with "X", b replaces "cd" with "Y" in "abcd".
    assertTransform(
        "abcd",
        "[1, \"X\", -2, 1]",
        "[2, \"Y\", -2]",
        "[1, \"X\", -1, 1]",
        "[2, \"Y\", -1]",
        "aXY");
  }

  @Test
  void transform_replaceSameRange_bothInsertsKeptInTieOrder() {
    assertTransform(
        "abc", "[1, \"X\", -1, 1]", "[1, \"Y\", -1, 1]", "[1, \"X\", 2]", "[2, \"Y\", 1]", "aXYc");
  }

  @Test
  void transform_againstIdentity() {
    assertTransform("abc", "[3]", "[1, \"X\", -1, 1]", "[3]", "[1, \"X\", -1, 1]", "aXc");
  }

  @Test
  void transform_identityAgainstEditIsUnchanged() {
    TextOperation edit = op("[1, \"X\", -1, 1]");
    TransformedPair pair = TextOperation.transform(edit, TextOperation.identity(3));
    assertThat(pair.aPrime()).isEqualTo(edit);
    assertThat(pair.bPrime()).isEqualTo(TextOperation.identity(3));
  }

  @Test
  void transform_emptyOperations() {
    TransformedPair pair =
        TextOperation.transform(TextOperation.identity(0), TextOperation.identity(0));
    assertThat(pair.aPrime()).isEqualTo(TextOperation.identity(0));
    assertThat(pair.bPrime()).isEqualTo(TextOperation.identity(0));
  }

  @Test
  void transform_deleteAgainstInsertBeforeIt() {
    assertTransform("abcd", "[3, -1]", "[\"XY\", 4]", "[5, -1]", "[\"XY\", 3]", "XYabc");
  }

  @Test
  void transform_rejectsDifferentBaseLengths() {
    assertThatThrownBy(
            () -> TextOperation.transform(TextOperation.identity(3), TextOperation.identity(4)))
        .isInstanceOf(OperationMismatchException.class)
        .hasMessage("cannot transform operations with different base lengths 3 and 4");
  }

  @Test
  void transform_rejectsOperationsWithEqualTargetButDifferentBase() {
    TextOperation a = op("[2, \"x\"]"); // 2 -> 3
    TextOperation b = op("[3]"); // 3 -> 3
    assertThatThrownBy(() -> TextOperation.transform(a, b))
        .isInstanceOf(OperationMismatchException.class)
        .hasMessageContaining("different base lengths 2 and 3");
  }

  @Test
  void transformedPair_refusesNulls() {
    TextOperation op = TextOperation.identity(0);
    assertThatNullPointerException()
        .isThrownBy(() -> new TransformedPair(null, op))
        .withMessage("aPrime == null");
    assertThatNullPointerException()
        .isThrownBy(() -> new TransformedPair(op, null))
        .withMessage("bPrime == null");
  }
}
