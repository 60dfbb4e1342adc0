package dev.quire.ot.operation;

/** ot.js compose, component by component. Stateless. */
final class Composer {
  private Composer() {}

  static TextOperation compose(TextOperation first, TextOperation second) {
    if (first.targetLength() != second.baseLength()) {
      throw new OperationMismatchException(
          "cannot compose: the first operation's target length "
              + first.targetLength()
              + " does not match the second's base length "
              + second.baseLength());
    }
    TextOperation.Builder out = TextOperation.builder();
    ComponentScanner x = new ComponentScanner(first);
    ComponentScanner y = new ComponentScanner(second);
    while (!x.done() || !y.done()) {
      if (x.isDelete()) {
        out.delete(x.remaining());
        x.skip(x.remaining());
        continue;
      }
      if (y.isInsert()) {
        out.add(y.head());
        y.skip(y.remaining());
        continue;
      }
      // The lengths match, so neither side runs out while the other has retains or deletes left.
      if (x.done() || y.done()) {
        throw new IllegalStateException("lengths checked but one operation ran out early");
      }
      int n = Math.min(x.remaining(), y.remaining());
      if (x.isRetain() && y.isRetain()) {
        out.retain(n);
        x.skip(n);
      } else if (x.isRetain()) { // y deletes retained text
        out.delete(n);
        x.skip(n);
      } else if (y.isRetain()) { // y keeps inserted text
        out.insert(x.takeInsert(n), n);
      } else { // y deletes inserted text: it never existed
        x.skip(n);
      }
      y.skip(n);
    }
    return out.build();
  }
}
