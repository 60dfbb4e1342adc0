package dev.quire.ot.note;

import dev.quire.ot.cursor.CursorTransform;
import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;

/**
 * The text a comment is about: code points {@code [from, to)} of a document, or the point {@code
 * from} when {@code from == to}.
 *
 * <p>How it moves through an operation ({@link #transform}): it keeps exactly the anchored code
 * points that survive, plus text inserted strictly between two of them. Text inserted at either
 * edge lands outside, so typing right before or after a commented phrase does not grow the comment;
 * a point stays before text inserted at it. Deleting anchored text shrinks the anchor, and deleting
 * all of it leaves a point where it was. The rule depends on nothing but the anchor and the
 * operation, so every replica that applies the same operations agrees on every anchor.
 */
public record Anchor(int from, int to) {
  public Anchor {
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("anchor [" + from + ", " + to + ") is not a range");
    }
  }

  public boolean isPoint() {
    return from == to;
  }

  public int length() {
    return to - from;
  }

  /**
   * This anchor after {@code op}.
   *
   * @throws OperationMismatchException when the anchor reaches beyond the operation's base
   */
  public Anchor transform(TextOperation op) {
    if (to > op.baseLength()) {
      throw new OperationMismatchException(
          "anchor ["
              + from
              + ", "
              + to
              + ") is outside a document of "
              + op.baseLength()
              + " code points");
    }
    // An insert at a caret pushes it only for its own edits: "own" for the start (the insert lands
    // before it) and not for the end (the insert lands after it).
    int end = CursorTransform.transform(to, op, false);
    int start = isPoint() ? end : CursorTransform.transform(from, op, true);
    return new Anchor(Math.min(start, end), end);
  }
}
