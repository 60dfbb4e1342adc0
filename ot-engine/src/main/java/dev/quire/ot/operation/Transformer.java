package dev.quire.ot.operation;

/** ot.js transform, component by component. Stateless. */
final class Transformer {
  private Transformer() {}

  static TransformedPair transform(TextOperation a, TextOperation b) {
    if (a.baseLength() != b.baseLength()) {
      throw new OperationMismatchException(
          "cannot transform operations with different base lengths "
              + a.baseLength()
              + " and "
              + b.baseLength());
    }
    if (a.editPosition() >= 0 && b.editPosition() >= 0) {
      TextOperation aPrime = SingleEditTransform.past(a, b, true);
      TextOperation bPrime = aPrime == null ? null : SingleEditTransform.past(b, a, false);
      if (aPrime != null && bPrime != null) {
        return new TransformedPair(aPrime, bPrime);
      }
    }
    return general(a, b);
  }

  /** The component-by-component algorithm, for operations of any shape. */
  static TransformedPair general(TextOperation a, TextOperation b) {
    TextOperation.Builder aPrime = TextOperation.builder();
    TextOperation.Builder bPrime = TextOperation.builder();
    ComponentScanner x = new ComponentScanner(a);
    ComponentScanner y = new ComponentScanner(b);
    while (!x.done() || !y.done()) {
      // Inserts go first; on a tie a's insert goes first, which is ot.js's rule.
      if (x.isInsert()) {
        aPrime.add(x.head());
        bPrime.retain(x.remaining());
        x.skip(x.remaining());
        continue;
      }
      if (y.isInsert()) {
        aPrime.retain(y.remaining());
        bPrime.add(y.head());
        y.skip(y.remaining());
        continue;
      }
      // Equal base lengths mean both run out together once inserts are taken.
      if (x.done() || y.done()) {
        throw new IllegalStateException("lengths checked but one operation ran out early");
      }
      int n = Math.min(x.remaining(), y.remaining());
      if (x.isRetain() && y.isRetain()) {
        aPrime.retain(n);
        bPrime.retain(n);
      } else if (x.isDelete() && y.isRetain()) {
        aPrime.delete(n);
      } else if (x.isRetain() && y.isDelete()) {
        bPrime.delete(n);
      } // both delete the same text: neither needs to any more
      x.skip(n);
      y.skip(n);
    }
    return new TransformedPair(aPrime.build(), bPrime.build());
  }
}
