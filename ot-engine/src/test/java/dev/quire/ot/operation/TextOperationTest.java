package dev.quire.ot.operation;

import static dev.quire.ot.operation.UnicodeSamples.GRIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.operation.Component.Delete;
import dev.quire.ot.operation.Component.Insert;
import dev.quire.ot.operation.Component.Retain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Construction, normalisation, accessors, equality, toString and apply. */
class TextOperationTest {

  private static TextOperation.Builder b() {
    return TextOperation.builder();
  }

  @Nested
  class Builder {

    @Test
    void build_withNothingGivesEmptyOperationOfLengthZero() {
      TextOperation op = b().build();
      assertThat(op.components()).isEmpty();
      assertThat(op.componentCount()).isZero();
      assertThat(op.baseLength()).isZero();
      assertThat(op.targetLength()).isZero();
      assertThat(op).hasToString("[]");
    }

    @Test
    void build_keepsComponentsInOrder() {
      TextOperation op = b().retain(5).insert("abc").delete(3).retain(2).build();
      assertThat(op.components())
          .containsExactly(new Retain(5), Insert.of("abc"), new Delete(3), new Retain(2));
      assertThat(op.baseLength()).isEqualTo(10);
      assertThat(op.targetLength()).isEqualTo(10);
    }

    @Test
    void build_mergesAdjacentRetains() {
      assertThat(b().retain(2).retain(3).build().components()).containsExactly(new Retain(5));
    }

    @Test
    void build_mergesAdjacentInserts() {
      TextOperation op = b().insert("ab").insert("c").insert(GRIN).build();
      assertThat(op.components()).containsExactly(Insert.of("abc" + GRIN));
      assertThat(op.component(0).length()).isEqualTo(4);
    }

    @Test
    void build_mergesAdjacentDeletes() {
      assertThat(b().delete(1).delete(2).build().components()).containsExactly(new Delete(3));
    }

    @Test
    void build_movesInsertBeforeDeleteAtSamePosition() {
      TextOperation op = b().retain(1).delete(2).insert("x").retain(1).build();
      assertThat(op).hasToString("[1, \"x\", -2, 1]");
    }

    @Test
    void build_mergesInsertsOnBothSidesOfADelete() {
      TextOperation op = b().insert("a").delete(1).insert("b").delete(2).build();
      assertThat(op).hasToString("[\"ab\", -3]");
    }

    @Test
    void build_deleteThenInsertEqualsInsertThenDelete() {
      TextOperation deleteFirst = b().retain(2).delete(3).insert("xy").retain(1).build();
      TextOperation insertFirst = b().retain(2).insert("xy").delete(3).retain(1).build();
      assertThat(deleteFirst).isEqualTo(insertFirst).hasSameHashCodeAs(insertFirst);
    }

    @Test
    void build_ignoresZeroCountsAndEmptyInserts() {
      TextOperation op = b().retain(0).insert("").delete(0).retain(2).retain(0).build();
      assertThat(op.components()).containsExactly(new Retain(2));
    }

    @Test
    void build_zeroRetainDoesNotSplitARunOfDeletes() {
      assertThat(b().delete(1).retain(0).delete(1).build()).hasToString("[-2]");
    }

    @Test
    void build_producesNoEmptyComponents() {
      TextOperation op = b().retain(0).delete(0).insert("").build();
      assertThat(op.componentCount()).isZero();
      assertThat(op).isEqualTo(TextOperation.identity(0));
    }

    @Test
    void add_acceptsEveryComponentKind() {
      TextOperation op =
          b().add(new Retain(2)).add(Insert.of("x")).add(new Delete(1)).add(new Retain(2)).build();
      assertThat(op).hasToString("[2, \"x\", -1, 2]");
    }

    @Test
    void add_mergesWithNeighbours() {
      TextOperation op = b().retain(1).add(new Retain(2)).add(new Delete(1)).delete(1).build();
      assertThat(op).hasToString("[3, -2]");
    }

    @Test
    void add_refusesNull() {
      assertThatNullPointerException()
          .isThrownBy(() -> b().add(null))
          .withMessage("component == null");
    }

    @Test
    void lengths_countInsertsInTargetAndDeletesInBase() {
      TextOperation op = b().retain(3).insert("ab" + GRIN).delete(4).retain(1).build();
      assertThat(op.baseLength()).isEqualTo(8);
      assertThat(op.targetLength()).isEqualTo(7);
    }

    @Test
    void retain_refusesNegativeCount() {
      assertThatThrownBy(() -> b().retain(-1))
          .isInstanceOf(MalformedOperationException.class)
          .hasMessage("retain count must not be negative, was -1");
    }

    @Test
    void delete_refusesNegativeCount() {
      assertThatThrownBy(() -> b().delete(-7))
          .isInstanceOf(MalformedOperationException.class)
          .hasMessage("delete count must not be negative, was -7");
    }

    @Test
    void insert_refusesUnpairedSurrogate() {
      assertThatThrownBy(() -> b().insert("a\uD800"))
          .isInstanceOf(MalformedOperationException.class)
          .hasMessage("text has an unpaired surrogate U+D800 at UTF-16 index 1");
    }

    @Test
    void insert_refusesNull() {
      assertThatNullPointerException()
          .isThrownBy(() -> b().insert(null))
          .withMessage("text == null");
    }

    @Test
    void retain_refusesOperationLongerThanIntegerMaxValue() {
      TextOperation.Builder builder = b().retain(Integer.MAX_VALUE);
      assertThatThrownBy(() -> builder.retain(1))
          .isInstanceOf(MalformedOperationException.class)
          .hasMessage("operation longer than 2147483647 code points");
    }

    @Test
    void delete_refusesOperationLongerThanIntegerMaxValue() {
      TextOperation.Builder builder = b().retain(Integer.MAX_VALUE - 1);
      assertThatThrownBy(() -> builder.delete(2))
          .isInstanceOf(MalformedOperationException.class)
          .hasMessage("operation longer than 2147483647 code points");
    }

    @Test
    void insert_refusesTargetLongerThanIntegerMaxValue() {
      TextOperation.Builder builder = b().retain(Integer.MAX_VALUE);
      assertThatThrownBy(() -> builder.insert(GRIN))
          .isInstanceOf(MalformedOperationException.class)
          .hasMessage("operation longer than 2147483647 code points");
    }

    @Test
    void build_acceptsLengthsOfExactlyIntegerMaxValue() {
      TextOperation op = b().retain(Integer.MAX_VALUE - 1).delete(1).insert("x").build();
      assertThat(op.baseLength()).isEqualTo(Integer.MAX_VALUE);
      assertThat(op.targetLength()).isEqualTo(Integer.MAX_VALUE);
    }
  }

  @Nested
  class Of {

    @Test
    void of_normalisesTheComponents() {
      TextOperation op =
          TextOperation.of(
              List.of(new Retain(2), new Retain(3), new Delete(1), Insert.of("x"), Insert.of("y")));
      assertThat(op).hasToString("[5, \"xy\", -1]");
    }

    @Test
    void of_emptyListGivesEmptyOperation() {
      assertThat(TextOperation.of(List.of())).isEqualTo(TextOperation.identity(0));
    }

    @Test
    void of_refusesNullComponent() {
      assertThatNullPointerException()
          .isThrownBy(() -> TextOperation.of(Arrays.asList(new Retain(1), null)))
          .withMessage("component == null");
    }

    @Test
    void of_refusesOperationLongerThanIntegerMaxValue() {
      assertThatThrownBy(
              () -> TextOperation.of(List.of(new Retain(Integer.MAX_VALUE), new Delete(1))))
          .isInstanceOf(MalformedOperationException.class)
          .hasMessage("operation longer than 2147483647 code points");
    }

    @Test
    void of_copiesTheList() {
      List<Component> list = new ArrayList<>(List.of(new Retain(1)));
      TextOperation op = TextOperation.of(list);
      list.add(new Delete(1));
      assertThat(op.components()).containsExactly(new Retain(1));
    }
  }

  @Nested
  class Identity {

    @Test
    void identity_retainsTheWholeDocument() {
      TextOperation op = TextOperation.identity(5);
      assertThat(op.components()).containsExactly(new Retain(5));
      assertThat(op.baseLength()).isEqualTo(5);
      assertThat(op.targetLength()).isEqualTo(5);
      assertThat(op.apply("hello")).isEqualTo("hello");
    }

    @Test
    void identity_ofZeroIsEmpty() {
      assertThat(TextOperation.identity(0).components()).isEmpty();
      assertThat(TextOperation.identity(0).apply("")).isEmpty();
    }

    @Test
    void identity_refusesNegativeLength() {
      assertThatThrownBy(() -> TextOperation.identity(-1))
          .isInstanceOf(MalformedOperationException.class)
          .hasMessage("retain count must not be negative, was -1");
    }
  }

  @Nested
  class Splice {

    @Test
    void splice_replacesARange() {
      TextOperation op = TextOperation.splice(5, 1, 2, "XY");
      assertThat(op).hasToString("[1, \"XY\", -2, 2]");
      assertThat(op.apply("abcde")).isEqualTo("aXYde");
    }

    @Test
    void splice_insertsWithoutDeleting() {
      assertThat(TextOperation.splice(3, 3, 0, "!")).hasToString("[3, \"!\"]");
      assertThat(TextOperation.splice(3, 0, 0, "!")).hasToString("[\"!\", 3]");
    }

    @Test
    void splice_deletesWithoutInserting() {
      assertThat(TextOperation.splice(3, 0, 3, "")).hasToString("[-3]");
      assertThat(TextOperation.splice(4, 1, 2, "")).hasToString("[1, -2, 1]");
    }

    @Test
    void splice_withNothingToDoIsIdentity() {
      assertThat(TextOperation.splice(3, 1, 0, "")).isEqualTo(TextOperation.identity(3));
      assertThat(TextOperation.splice(0, 0, 0, "")).isEqualTo(TextOperation.identity(0));
    }

    @Test
    void splice_countsCodePoints() {
      TextOperation op = TextOperation.splice(3, 1, 1, GRIN);
      assertThat(op.baseLength()).isEqualTo(3);
      assertThat(op.targetLength()).isEqualTo(3);
      assertThat(op.apply("a" + GRIN + "b")).isEqualTo("a" + GRIN + "b");
      assertThat(op.apply("abc")).isEqualTo("a" + GRIN + "c");
    }

    @Test
    void splice_refusesNegativePosition() {
      assertThatThrownBy(() -> TextOperation.splice(5, -1, 0, "x"))
          .isInstanceOf(OperationMismatchException.class)
          .hasMessage("splice at -1 deleting 0 does not fit a document of 5 code points");
    }

    @Test
    void splice_refusesNegativeDeleteCount() {
      assertThatThrownBy(() -> TextOperation.splice(5, 1, -1, ""))
          .isInstanceOf(OperationMismatchException.class)
          .hasMessage("splice at 1 deleting -1 does not fit a document of 5 code points");
    }

    @Test
    void splice_refusesPositionBeyondTheEnd() {
      assertThatThrownBy(() -> TextOperation.splice(5, 6, 0, "x"))
          .isInstanceOf(OperationMismatchException.class)
          .hasMessage("splice at 6 deleting 0 does not fit a document of 5 code points");
    }

    @Test
    void splice_refusesDeletingPastTheEnd() {
      assertThatThrownBy(() -> TextOperation.splice(5, 4, 2, ""))
          .isInstanceOf(OperationMismatchException.class)
          .hasMessage("splice at 4 deleting 2 does not fit a document of 5 code points");
    }

    @Test
    void splice_refusesNegativeDocumentLength() {
      assertThatThrownBy(() -> TextOperation.splice(-1, 0, 0, ""))
          .isInstanceOf(OperationMismatchException.class)
          .hasMessage("splice at 0 deleting 0 does not fit a document of -1 code points");
    }

    @Test
    void splice_refusesHugeDeleteCountWithoutOverflow() {
      assertThatThrownBy(() -> TextOperation.splice(5, 1, Integer.MAX_VALUE, ""))
          .isInstanceOf(OperationMismatchException.class)
          .hasMessageContaining("does not fit a document of 5 code points");
    }

    @Test
    void splice_refusesUnpairedSurrogateInText() {
      assertThatThrownBy(() -> TextOperation.splice(2, 1, 0, "\uDC00"))
          .isInstanceOf(MalformedOperationException.class)
          .hasMessageContaining("unpaired surrogate U+DC00");
    }
  }

  @Nested
  class Accessors {

    private final TextOperation op = b().retain(2).insert("ab").delete(1).retain(3).build();

    @Test
    void components_listsTheNormalisedComponents() {
      assertThat(op.components())
          .containsExactly(new Retain(2), Insert.of("ab"), new Delete(1), new Retain(3));
    }

    @Test
    void components_isUnmodifiable() {
      assertThatThrownBy(() -> op.components().add(new Retain(1)))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> op.components().clear())
          .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void componentCountAndComponent_walkTheComponents() {
      assertThat(op.componentCount()).isEqualTo(4);
      List<Component> walked = new ArrayList<>();
      for (int i = 0; i < op.componentCount(); i++) {
        walked.add(op.component(i));
      }
      assertThat(walked).isEqualTo(op.components());
    }

    @Test
    void component_refusesIndexOutOfRange() {
      assertThatThrownBy(() -> op.component(4)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> op.component(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void baseLengthAndTargetLength() {
      assertThat(op.baseLength()).isEqualTo(6);
      assertThat(op.targetLength()).isEqualTo(7);
    }
  }

  @Nested
  class IsNoop {

    @Test
    void isNoop_trueForEmptyAndRetainOnly() {
      assertThat(TextOperation.identity(0).isNoop()).isTrue();
      assertThat(TextOperation.identity(7).isNoop()).isTrue();
      assertThat(b().retain(3).retain(4).build().isNoop()).isTrue();
    }

    @Test
    void isNoop_falseForInsertOrDelete() {
      assertThat(b().insert("x").build().isNoop()).isFalse();
      assertThat(b().delete(1).build().isNoop()).isFalse();
      assertThat(b().retain(2).insert("x").retain(2).build().isNoop()).isFalse();
      assertThat(b().retain(2).delete(1).build().isNoop()).isFalse();
    }

    @Test
    void isNoop_falseForAReplacementThatHappensToRestoreTheText() {
      // Deleting "a" and inserting "a" changes nothing in "a", but the operation is not a no-op.
      TextOperation op = b().delete(1).insert("a").build();
      assertThat(op.apply("a")).isEqualTo("a");
      assertThat(op.isNoop()).isFalse();
    }
  }

  @Nested
  class EqualsAndToString {

    @Test
    void equals_sameEffectBuiltDifferentlyIsEqual() {
      TextOperation x = b().retain(1).retain(1).insert("a").insert("b").delete(2).build();
      TextOperation y =
          TextOperation.of(List.of(new Retain(2), new Delete(1), Insert.of("ab"), new Delete(1)));
      assertThat(x).isEqualTo(y).hasSameHashCodeAs(y);
    }

    @Test
    void equals_differsOnBaseLength() {
      assertThat(TextOperation.identity(3)).isNotEqualTo(TextOperation.identity(4));
    }

    @Test
    void equals_differsOnInsertedText() {
      assertThat(TextOperation.splice(2, 1, 0, "x"))
          .isNotEqualTo(TextOperation.splice(2, 1, 0, "y"));
    }

    @Test
    void equals_differsOnPosition() {
      assertThat(TextOperation.splice(2, 1, 0, "x"))
          .isNotEqualTo(TextOperation.splice(2, 2, 0, "x"));
    }

    @Test
    void equals_notEqualToNullOrOtherTypes() {
      TextOperation op = TextOperation.identity(1);
      assertThat(op).isNotEqualTo(null);
      assertThat(op).isNotEqualTo("[1]");
      assertThat(op.equals(op)).as("reflexive").isTrue();
    }

    @Test
    void toString_isCompactOtJsJsonForm() {
      assertThat(b().retain(5).insert("abc").delete(3).retain(2).build())
          .hasToString("[5, \"abc\", -3, 2]");
    }

    @Test
    void toString_ofEmptyOperation() {
      assertThat(TextOperation.identity(0)).hasToString("[]");
    }

    @Test
    void toString_keepsAstralTextAsIs() {
      assertThat(b().insert(GRIN).build()).hasToString("[\"" + GRIN + "\"]");
    }
  }

  @Nested
  class Apply {

    @Test
    void apply_retainsInsertsAndDeletes() {
      TextOperation op = b().retain(6).delete(5).insert("there").build();
      assertThat(op.apply("hello world")).isEqualTo("hello there");
    }

    @Test
    void apply_insertIntoEmptyDocument() {
      assertThat(b().insert("abc").build().apply("")).isEqualTo("abc");
    }

    @Test
    void apply_deleteEverything() {
      assertThat(b().delete(5).build().apply("hello")).isEmpty();
    }

    @Test
    void apply_emptyOperationToEmptyDocument() {
      assertThat(TextOperation.identity(0).apply("")).isEmpty();
    }

    @Test
    void apply_insertsAtStartAndEnd() {
      assertThat(b().insert("<").retain(3).insert(">").build().apply("abc")).isEqualTo("<abc>");
    }

    @Test
    void apply_rejectsWrongBaseLength() {
      TextOperation op = b().retain(3).insert("x").build();
      assertThatThrownBy(() -> op.apply("ab"))
          .isInstanceOf(OperationMismatchException.class)
          .hasMessage("operation's base length 3 does not match the document's length 2");
    }

    @Test
    void apply_rejectsLongerDocument() {
      assertThatThrownBy(() -> TextOperation.identity(2).apply("abc"))
          .isInstanceOf(OperationMismatchException.class)
          .hasMessage("operation's base length 2 does not match the document's length 3");
    }

    @Test
    void apply_rejectsDocumentWhoseUtf16LengthMatchesButCodePointLengthDoesNot() {
      // GRIN is 2 UTF-16 units but 1 code point: an operation for 2 code points must not apply,
      // or it would put its insert between the two halves of the surrogate pair.
      TextOperation op = b().retain(1).insert("x").retain(1).build();
      assertThatThrownBy(() -> op.apply(GRIN))
          .isInstanceOf(OperationMismatchException.class)
          .hasMessage("operation's base length 2 does not match the document's length 1");
    }

    @Test
    void apply_rejectsNullDocument() {
      assertThatNullPointerException()
          .isThrownBy(() -> TextOperation.identity(0).apply(null))
          .withMessage("document == null");
    }

    @Test
    void apply_leavesOperationUnchangedAndCanBeRepeated() {
      TextOperation op = TextOperation.splice(3, 1, 1, "X");
      assertThat(op.apply("abc")).isEqualTo("aXc");
      assertThat(op.apply("xyz")).isEqualTo("xXz");
      assertThat(op).hasToString("[1, \"X\", -1, 1]");
    }
  }
}
