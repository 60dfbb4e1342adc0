package dev.quire.ot.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;
import java.util.List;
import org.junit.jupiter.api.Test;

class UndoTest {

  private static String applyAll(String text, List<TextOperation> ops) {
    for (TextOperation op : ops) {
      text = op.apply(text);
    }
    return text;
  }

  @Test
  void undo_of_own_insert_after_others_edited_around_it() {
    String before = "hello world";
    TextOperation own = TextOperation.splice(11, 6, 0, "big ");
    String afterOwn = own.apply(before); // "hello big world"
    List<TextOperation> later =
        List.of(
            TextOperation.splice(15, 0, 0, "Oh, "), // "Oh, hello big world"
            TextOperation.splice(19, 14, 5, "there 🌞")); // "Oh, hello big there 🌞"
    String now = applyAll(afterOwn, later);
    assertThat(now).isEqualTo("Oh, hello big there 🌞");

    TextOperation undo = Undo.undoOf(own, before, later);
    assertThat(undo.apply(now)).isEqualTo("Oh, hello there 🌞");
  }

  @Test
  void undo_of_own_delete_restores_the_text_where_it_now_belongs() {
    String before = "the quick brown 🦊";
    TextOperation own = TextOperation.splice(17, 4, 6, ""); // deletes "quick "
    List<TextOperation> later =
        List.of(
            TextOperation.splice(11, 0, 0, "See "), // "See the brown 🦊"
            TextOperation.splice(15, 15, 0, " jumps")); // "See the brown 🦊 jumps"
    String now = applyAll(own.apply(before), later);
    TextOperation undo = Undo.undoOf(own, before, later);
    assertThat(undo.apply(now)).isEqualTo("See the quick brown 🦊 jumps");
  }

  @Test
  void undo_with_nothing_later_is_the_inverse() {
    TextOperation own = TextOperation.splice(3, 1, 1, "🇫🇷");
    assertThat(Undo.undoOf(own, "abc", List.of())).isEqualTo(own.invert("abc"));
    assertThat(Undo.undoOf(own, "abc", List.of()).apply(own.apply("abc"))).isEqualTo("abc");
  }

  @Test
  void undo_when_others_deleted_the_own_text_changes_nothing_of_theirs() {
    String before = "ab";
    TextOperation own = TextOperation.splice(2, 1, 0, "XYZ"); // aXYZb
    List<TextOperation> later = List.of(TextOperation.splice(5, 0, 5, "q")); // q
    TextOperation undo = Undo.undoOf(own, before, later);
    assertThat(undo.apply("q")).isEqualTo("q");
  }

  @Test
  void undo_of_own_edit_refuses_a_document_before_that_does_not_fit() {
    TextOperation own = TextOperation.splice(3, 0, 1, "");
    assertThatThrownBy(() -> Undo.undoOf(own, "ab", List.of()))
        .isInstanceOf(OperationMismatchException.class);
  }

  @Test
  void undo_revision_of_a_log_after_others_edited_around_it() {
    MemorySequencer seq = new MemorySequencer();
    seq.submit("bob", new Batch("b", 1, 0, List.of(TextOperation.splice(0, 0, 0, "one three"))), 0);
    String beforeOwn = seq.text();
    seq.submit("alice", new Batch("a", 1, 1, List.of(TextOperation.splice(9, 4, 0, "two "))), 0);
    // Bob edits around it, concurrently (base 1) and after.
    seq.submit("bob", new Batch("b", 2, 1, List.of(TextOperation.splice(9, 0, 0, "zero "))), 0);
    seq.submit("bob", new Batch("b", 3, 3, List.of(TextOperation.splice(18, 18, 0, " four"))), 0);
    assertThat(seq.text()).isEqualTo("zero one two three four");

    TextOperation undo = Undo.undoRevision(seq.log(), 2, beforeOwn);
    assertThat(undo.apply(seq.text())).isEqualTo("zero one three four");
  }

  @Test
  void undo_revision_refuses_revisions_outside_the_log() {
    MemorySequencer seq = new MemorySequencer();
    seq.submit("bob", new Batch("b", 1, 0, List.of(TextOperation.splice(0, 0, 0, "x"))), 0);
    assertThatThrownBy(() -> Undo.undoRevision(seq.log(), 0, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("revision 0 outside 1..1");
    assertThatThrownBy(() -> Undo.undoRevision(seq.log(), 2, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("revision 2 outside 1..1");
  }

  @Test
  void undo_revision_refuses_a_document_before_that_does_not_fit() {
    MemorySequencer seq = new MemorySequencer();
    seq.submit("bob", new Batch("b", 1, 0, List.of(TextOperation.splice(0, 0, 0, "x"))), 0);
    assertThatThrownBy(() -> Undo.undoRevision(seq.log(), 1, "too long"))
        .isInstanceOf(OperationMismatchException.class);
  }
}
