package dev.quire.ot.cursor;

import dev.quire.ot.operation.Component;
import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;

/**
 * Moves a caret position through an operation.
 *
 * <p>The rule, for text inserted exactly at the caret: it pushes the caret after it only when the
 * caret's owner typed it ({@code ownEdit}); anyone else's insert lands after the caret, which stays
 * put. So two people typing at one spot each keep typing where they were and their words never
 * interleave, and a collaborator's caret shown on my screen does not jump ahead of my typing.
 * Deleted text around or over a caret pulls it to the start of the deletion. Text before the caret
 * shifts it by the net length change.
 */
public final class CursorTransform {
  private CursorTransform() {}

  /**
   * The position of a caret at {@code position} after {@code op}.
   *
   * @throws OperationMismatchException when {@code position} lies beyond the operation's base
   */
  public static int transform(int position, TextOperation op, boolean ownEdit) {
    if (position < 0 || position > op.baseLength()) {
      throw new OperationMismatchException(
          "caret at " + position + " is outside a document of " + op.baseLength() + " code points");
    }
    int remaining = position; // code points of the old text still before the caret
    int result = position;
    for (int k = 0, n = op.componentCount(); k < n; k++) {
      Component c = op.component(k);
      if (c instanceof Component.Retain r) {
        if (remaining < r.count() || (remaining == r.count() && !ownEdit)) {
          break; // the rest of the operation is at or after the caret
        }
        remaining -= r.count();
      } else if (c instanceof Component.Insert i) {
        if (remaining == 0 && !ownEdit) {
          break; // someone else's text at the caret lands after it
        }
        result += i.length();
      } else {
        int removed = Math.min(remaining, c.length());
        result -= removed;
        remaining -= removed;
      }
    }
    return result;
  }
}
