package dev.quire.ot.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Compose on concrete cases, expected results worked out by hand following ot.js's {@code
 * TextOperation.prototype.compose}.
 */
class ComposeTest {

  private static TextOperation.Builder b() {
    return TextOperation.builder();
  }

  private static void assertComposeLaw(String doc, TextOperation a, TextOperation b) {
    assertThat(a.compose(b).apply(doc)).isEqualTo(b.apply(a.apply(doc)));
  }

  @Test
  void compose_insertThenRetainAll() {
    TextOperation a = b().insert("abc").build();
    TextOperation second = TextOperation.identity(3);
    assertThat(a.compose(second)).isEqualTo(a);
  }

  @Test
  void compose_identityOnEitherSideIsNeutral() {
    TextOperation op = TextOperation.splice(5, 2, 1, "xy");
    assertThat(TextOperation.identity(5).compose(op)).isEqualTo(op);
    assertThat(op.compose(TextOperation.identity(6))).isEqualTo(op);
  }

  @Test
  void compose_secondDeletesPartOfFirstsInsert() {
    // ot.js: ["abc"] then [1, -1, 1] -> ["ac"]
    TextOperation a = b().insert("abc").build();
    TextOperation second = b().retain(1).delete(1).retain(1).build();
    assertThat(a.compose(second)).hasToString("[\"ac\"]");
  }

  @Test
  void compose_secondDeletesAllOfFirstsInsert_cancelsOut() {
    TextOperation a = b().retain(2).insert("xyz").retain(1).build();
    TextOperation second = b().retain(2).delete(3).retain(1).build();
    assertThat(a.compose(second)).isEqualTo(TextOperation.identity(3));
  }

  @Test
  void compose_insertThenDeleteAfterIt() {
    // "hello" -> "helXlo" -> "helX"
    TextOperation a = b().retain(3).insert("X").retain(2).build();
    TextOperation second = b().retain(4).delete(2).build();
    TextOperation c = a.compose(second);
    assertThat(c).hasToString("[3, \"X\", -2]");
    assertThat(c.apply("hello")).isEqualTo("helX");
  }

  @Test
  void compose_deleteThenInsertAtSamePlace_insertComesFirst() {
    TextOperation a = b().delete(2).retain(3).build();
    TextOperation second = b().insert("xy").retain(3).build();
    assertThat(a.compose(second)).hasToString("[\"xy\", -2, 3]");
  }

  @Test
  void compose_deleteSpansFirstsInsertAndOriginalText() {
    // "xyz" -> "xabcyz" -> "xabz"
    TextOperation a = b().retain(1).insert("abc").retain(2).build();
    TextOperation second = b().retain(3).delete(2).retain(1).build();
    TextOperation c = a.compose(second);
    assertThat(c).hasToString("[1, \"ab\", -1, 1]");
    assertThat(c.apply("xyz")).isEqualTo("xabz");
  }

  @Test
  void compose_twoDeletesMerge() {
    // "abcdef" -> "adef" -> "af"
    TextOperation a = b().retain(1).delete(2).retain(3).build();
    TextOperation second = b().retain(1).delete(2).retain(1).build();
    TextOperation c = a.compose(second);
    assertThat(c).hasToString("[1, -4, 1]");
    assertThat(c.apply("abcdef")).isEqualTo("af");
  }

  @Test
  void compose_typingKeystrokesMergeIntoOneInsert() {
    TextOperation h = TextOperation.splice(0, 0, 0, "h");
    TextOperation e = TextOperation.splice(1, 1, 0, "e");
    TextOperation y = TextOperation.splice(2, 2, 0, "y");
    assertThat(h.compose(e).compose(y)).hasToString("[\"hey\"]");
  }

  @Test
  void compose_backspaceUndoesTyping() {
    TextOperation type = TextOperation.splice(3, 3, 0, "!");
    TextOperation backspace = TextOperation.splice(4, 3, 1, "");
    assertThat(type.compose(backspace)).isEqualTo(TextOperation.identity(3));
  }

  @Test
  void compose_obeysComposeLawOnMixedEdits() {
    String doc = "lorem ipsum dolor";
    TextOperation a = b().retain(6).delete(5).insert("IPSUM").retain(6).build();
    TextOperation second = b().delete(1).insert("L").retain(10).insert("!").retain(6).build();
    assertComposeLaw(doc, a, second);
    assertThat(a.compose(second).apply(doc)).isEqualTo("Lorem IPSUM! dolor");
  }

  @Test
  void compose_lengthsAreFirstsBaseAndSecondsTarget() {
    TextOperation a = b().retain(2).insert("abc").build(); // 2 -> 5
    TextOperation second = b().delete(4).retain(1).build(); // 5 -> 1
    TextOperation c = a.compose(second);
    assertThat(c.baseLength()).isEqualTo(2);
    assertThat(c.targetLength()).isEqualTo(1);
  }

  @Test
  void compose_rejectsWrongBaseLength() {
    TextOperation a = b().retain(2).insert("x").build(); // target 3
    TextOperation second = TextOperation.identity(4);
    assertThatThrownBy(() -> a.compose(second))
        .isInstanceOf(OperationMismatchException.class)
        .hasMessage(
            "cannot compose: the first operation's target length 3 does not match the second's"
                + " base length 4");
  }

  @Test
  void compose_rejectsSecondMadeForFirstsBaseInsteadOfTarget() {
    TextOperation a = b().retain(2).delete(1).build(); // 3 -> 2
    TextOperation second = TextOperation.identity(3);
    assertThatThrownBy(() -> a.compose(second))
        .isInstanceOf(OperationMismatchException.class)
        .hasMessageContaining("target length 2")
        .hasMessageContaining("base length 3");
  }

  @Test
  void compose_emptyOperations() {
    assertThat(TextOperation.identity(0).compose(TextOperation.identity(0)))
        .isEqualTo(TextOperation.identity(0));
  }
}
