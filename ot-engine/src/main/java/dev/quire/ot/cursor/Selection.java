package dev.quire.ot.cursor;

import dev.quire.ot.operation.TextOperation;

/**
 * A caret or a selection: {@code anchor} is where the selection started, {@code head} where the
 * caret is; equal for a plain caret. Positions are code-point offsets.
 */
public record Selection(int anchor, int head) {
  public Selection {
    if (anchor < 0 || head < 0) {
      throw new IllegalArgumentException(
          "selection positions must not be negative, were " + anchor + " and " + head);
    }
  }

  /** A plain caret at {@code position}. */
  public static Selection caret(int position) {
    return new Selection(position, position);
  }

  public boolean isCaret() {
    return anchor == head;
  }

  public int start() {
    return Math.min(anchor, head);
  }

  public int end() {
    return Math.max(anchor, head);
  }

  /**
   * This selection moved through {@code op}. {@code ownEdit} says whether the selection's owner
   * made {@code op}; see {@link CursorTransform} for the rule.
   */
  public Selection transform(TextOperation op, boolean ownEdit) {
    return new Selection(
        CursorTransform.transform(anchor, op, ownEdit),
        CursorTransform.transform(head, op, ownEdit));
  }
}
