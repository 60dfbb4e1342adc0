package dev.quire.ot.operation;

import dev.quire.ot.operation.Component.Delete;
import dev.quire.ot.operation.Component.Insert;
import java.util.Objects;

/** ot.js invert: inserts become deletes and deletes re-insert the text they removed. Stateless. */
final class Inverter {
  private Inverter() {}

  static TextOperation invert(TextOperation op, String before) {
    Objects.requireNonNull(before, "documentBefore == null");
    // Count even when the UTF-16 length matches: text with surrogate pairs is shorter in code
    // points.
    int documentLength = CodePoints.count(before);
    if (documentLength != op.baseLength()) {
      throw new OperationMismatchException(
          "cannot invert: operation's base length "
              + op.baseLength()
              + " does not match the document's length "
              + documentLength);
    }
    boolean bmpOnly = before.length() == documentLength;
    TextOperation.Builder out = TextOperation.builder();
    int at = 0; // UTF-16 index into before
    for (Component c : op.componentArray()) {
      if (c instanceof Insert i) {
        out.delete(i.length());
        continue;
      }
      int next = bmpOnly ? at + c.length() : before.offsetByCodePoints(at, c.length());
      if (c instanceof Delete) {
        out.insert(before.substring(at, next), c.length());
      } else {
        out.retain(c.length());
      }
      at = next;
    }
    return out.build();
  }
}
