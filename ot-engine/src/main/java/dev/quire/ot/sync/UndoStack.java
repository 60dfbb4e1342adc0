package dev.quire.ot.sync;

import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.operation.TransformedPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One user's undo and redo history in a shared document: only their own edits, kept correct while
 * others edit around them.
 *
 * <p>Each entry is the inverse of an own edit. The top entry applies to the current document; an
 * entry below it applies to the document as it will be once everything above it is undone. When
 * someone else's operation arrives it is transformed through the stack from the top down, each
 * entry past the operation and the operation past each entry, so every entry keeps applying to the
 * document it will meet (the scheme of ot.js's UndoManager). Entries that an other's edit reduced
 * to nothing (someone deleted the text) are dropped.
 *
 * <p>Not thread-safe: the owner thread only.
 */
public final class UndoStack {
  private final int limit;
  private final List<TextOperation> undo = new ArrayList<>();
  private final List<TextOperation> redo = new ArrayList<>();

  /**
   * @param limit the most undo steps kept; older ones are forgotten
   */
  public UndoStack(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit " + limit + " < 1");
    }
    this.limit = limit;
  }

  /**
   * An own edit was made.
   *
   * @param inverse the operation that undoes it, on the document after it
   * @param mergeWithPrevious undo it together with the previous step (continued typing)
   */
  public void ownEdit(TextOperation inverse, boolean mergeWithPrevious) {
    Objects.requireNonNull(inverse, "inverse == null");
    redo.clear();
    if (inverse.isNoop()) {
      return;
    }
    if (mergeWithPrevious && !undo.isEmpty()) {
      int top = undo.size() - 1;
      undo.set(top, inverse.compose(undo.get(top)));
      return;
    }
    undo.add(inverse);
    if (undo.size() > limit) {
      undo.remove(0);
    }
  }

  /** Someone else's operation was applied to the document; keeps both stacks applicable. */
  public void otherEdit(TextOperation op) {
    Objects.requireNonNull(op, "op == null");
    transformStack(undo, op);
    transformStack(redo, op);
  }

  public boolean canUndo() {
    return !undo.isEmpty();
  }

  public boolean canRedo() {
    return !redo.isEmpty();
  }

  /** The operation that undoes the latest own step, on the current document. */
  public TextOperation peekUndo() {
    if (undo.isEmpty()) {
      throw new IllegalStateException("nothing to undo");
    }
    return undo.get(undo.size() - 1);
  }

  /** The operation that redoes the latest undone step, on the current document. */
  public TextOperation peekRedo() {
    if (redo.isEmpty()) {
      throw new IllegalStateException("nothing to redo");
    }
    return redo.get(redo.size() - 1);
  }

  /**
   * The {@link #peekUndo} operation was applied.
   *
   * @param inverse the operation that reverts that undo (the redo), on the document after it
   */
  public void undone(TextOperation inverse) {
    peekUndo();
    undo.remove(undo.size() - 1);
    if (!inverse.isNoop()) {
      redo.add(inverse);
    }
  }

  /**
   * The {@link #peekRedo} operation was applied.
   *
   * @param inverse the operation that undoes that redo, on the document after it
   */
  public void redone(TextOperation inverse) {
    peekRedo();
    redo.remove(redo.size() - 1);
    if (!inverse.isNoop()) {
      undo.add(inverse);
    }
  }

  /** Forgets everything (for example when the document is replaced wholesale). */
  public void clear() {
    undo.clear();
    redo.clear();
  }

  public int undoDepth() {
    return undo.size();
  }

  private static void transformStack(List<TextOperation> stack, TextOperation op) {
    List<TextOperation> kept = new ArrayList<>(stack.size());
    for (int i = stack.size() - 1; i >= 0; i--) {
      TransformedPair pair = TextOperation.transform(stack.get(i), op);
      if (!pair.aPrime().isNoop()) {
        kept.add(pair.aPrime());
      }
      op = pair.bPrime();
    }
    stack.clear();
    for (int i = kept.size() - 1; i >= 0; i--) {
      stack.add(kept.get(i));
    }
  }
}
