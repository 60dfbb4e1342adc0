package dev.quire.ot.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.operation.TextOperation;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class UndoStackTest {

  /** A document and the undo stack of its "own" user, with helpers to edit as either user. */
  private static final class Doc {
    String text;
    final UndoStack stack = new UndoStack(100);

    Doc(String text) {
      this.text = text;
    }

    void own(int pos, int delete, String insert, boolean merge) {
      TextOperation op = TextOperation.splice(len(), pos, delete, insert);
      String before = text;
      text = op.apply(text);
      stack.ownEdit(op.invert(before), merge);
    }

    void other(int pos, int delete, String insert) {
      TextOperation op = TextOperation.splice(len(), pos, delete, insert);
      text = op.apply(text);
      stack.otherEdit(op);
    }

    void undo() {
      TextOperation op = stack.peekUndo();
      String before = text;
      text = op.apply(text);
      stack.undone(op.invert(before));
    }

    void redo() {
      TextOperation op = stack.peekRedo();
      String before = text;
      text = op.apply(text);
      stack.redone(op.invert(before));
    }

    int len() {
      return text.codePointCount(0, text.length());
    }
  }

  @Test
  void undoRemovesOwnInsertAndKeepsAnInsertMadeBeforeItByAnother() {
    Doc d = new Doc("hello world");
    d.own(5, 0, ",", false);
    d.other(0, 0, ">> ");
    assertThat(d.text).isEqualTo(">> hello, world");
    d.undo();
    assertThat(d.text).isEqualTo(">> hello world");
    d.redo();
    assertThat(d.text).isEqualTo(">> hello, world");
  }

  @Test
  void undoRestoresOwnDeletionAtItsMovedPlace() {
    Doc d = new Doc("abc def");
    d.own(3, 4, "", false);
    d.other(0, 0, "😀😀");
    assertThat(d.text).isEqualTo("😀😀abc");
    d.undo();
    assertThat(d.text).isEqualTo("😀😀abc def");
  }

  @Test
  void mergedTypingUndoesAsOneStep() {
    Doc d = new Doc("");
    d.own(0, 0, "a", false);
    d.own(1, 0, "b", true);
    d.own(2, 0, "c", true);
    d.own(3, 0, " d", false);
    assertThat(d.stack.undoDepth()).isEqualTo(2);
    d.undo();
    assertThat(d.text).isEqualTo("abc");
    d.undo();
    assertThat(d.text).isEmpty();
    assertThat(d.stack.canUndo()).isFalse();
  }

  @Test
  void anOwnEditClearsRedo() {
    Doc d = new Doc("x");
    d.own(1, 0, "y", false);
    d.undo();
    assertThat(d.stack.canRedo()).isTrue();
    d.own(0, 0, "z", false);
    assertThat(d.stack.canRedo()).isFalse();
    assertThatThrownBy(d.stack::peekRedo).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anEntryWhoseTextAnotherDeletedIsDropped() {
    Doc d = new Doc("keep ");
    d.own(5, 0, "mine", false);
    d.other(5, 4, "");
    assertThat(d.stack.canUndo()).isFalse();
  }

  @Test
  void theLimitForgetsTheOldestSteps() {
    UndoStack s = new UndoStack(2);
    s.ownEdit(TextOperation.splice(1, 0, 1, ""), false);
    s.ownEdit(TextOperation.splice(2, 0, 1, ""), false);
    s.ownEdit(TextOperation.splice(3, 0, 1, ""), false);
    assertThat(s.undoDepth()).isEqualTo(2);
    assertThatThrownBy(() -> new UndoStack(0)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Two users only insert, interleaved at random places; undoing every own step leaves exactly the
   * other user's text, and redoing all of them brings back the full text.
   */
  @Property(tries = 300)
  void undoingEveryOwnInsertLeavesExactlyTheOthers(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 30) int steps) {
    Random r = new Random(seed);
    Doc d = new Doc("");
    StringBuilder othersOnly = new StringBuilder(); // the other's text, in document order
    // Track which code points are the other's: a parallel marker string ('o' or 'm').
    StringBuilder marks = new StringBuilder();
    for (int i = 0; i < steps; i++) {
      int pos = r.nextInt(d.len() + 1);
      String s = r.nextBoolean() ? "😀" : String.valueOf((char) ('a' + r.nextInt(26)));
      if (r.nextBoolean()) {
        d.own(pos, 0, s, false);
        marks.insert(pos, 'm');
      } else {
        d.other(pos, 0, s);
        marks.insert(pos, 'o');
      }
    }
    int[] cps = d.text.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      if (marks.charAt(i) == 'o') {
        othersOnly.appendCodePoint(cps[i]);
      }
    }
    String full = d.text;
    while (d.stack.canUndo()) {
      d.undo();
    }
    assertThat(d.text).isEqualTo(othersOnly.toString());
    while (d.stack.canRedo()) {
      d.redo();
    }
    assertThat(d.text).isEqualTo(full);
  }
}
