package dev.quire.ot.sync;

import dev.quire.ot.operation.TextOperation;
import java.util.List;

/**
 * Undo of one's own edit in a shared document: the inverse of the edit, transformed past every
 * operation that came after it, so it removes exactly what the edit did and leaves everyone else's
 * later work in place.
 */
public final class Undo {
  private Undo() {}

  /**
   * The operation that undoes {@code own} on the current document.
   *
   * @param own the edit to undo
   * @param documentBefore the document {@code own} was applied to
   * @param later every operation applied after {@code own}, in order, up to the current document
   */
  public static TextOperation undoOf(
      TextOperation own, String documentBefore, List<TextOperation> later) {
    TextOperation inverse = own.invert(documentBefore);
    for (TextOperation op : later) {
      inverse = TextOperation.transform(inverse, op).aPrime();
    }
    return inverse;
  }

  /**
   * The operation that undoes revision {@code revision} of {@code log} on the document at its head.
   *
   * @param documentBefore the document at {@code revision - 1}
   */
  public static TextOperation undoRevision(CanonicalLog log, long revision, String documentBefore) {
    if (revision < 1 || revision > log.head()) {
      throw new IllegalArgumentException("revision " + revision + " outside 1.." + log.head());
    }
    TextOperation inverse = log.operation(revision).invert(documentBefore);
    for (long r = revision + 1; r <= log.head(); r++) {
      inverse = TextOperation.transform(inverse, log.operation(r)).aPrime();
    }
    return inverse;
  }
}
