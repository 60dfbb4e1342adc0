package dev.quire.ot.note;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.operation.Component;
import dev.quire.ot.operation.OperationArbitraries;
import dev.quire.ot.operation.OperationArbitraries.DocOp;
import dev.quire.ot.operation.TextOperation;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The anchor rule of {@code docs/ot.md}, checked code point by code point: after an operation, an
 * anchor holds exactly the anchored code points that survive plus text inserted strictly between
 * two anchored positions, and never leaves the document.
 */
class AnchorProperties {

  record OpAnchor(DocOp docOp, Anchor anchor) {}

  @Provide
  Arbitrary<OpAnchor> opAndAnchor() {
    return Combinators.combine(
            OperationArbitraries.docAndOp(),
            Arbitraries.integers().between(0, 200),
            Arbitraries.integers().between(0, 200))
        .as(
            (d, a, b) -> {
              int n = d.op().baseLength() + 1;
              int x = a % n;
              int y = b % n;
              return new OpAnchor(d, new Anchor(Math.min(x, y), Math.max(x, y)));
            });
  }

  /**
   * Where each code point of the operation's result comes from: {@code i >= 0} for code point i of
   * the old text, {@code -1 - g} for text inserted at gap g (before old code point g).
   */
  private static List<Integer> origins(TextOperation op) {
    List<Integer> out = new ArrayList<>();
    int old = 0;
    for (Component c : op.components()) {
      if (c instanceof Component.Retain r) {
        for (int k = 0; k < r.count(); k++) {
          out.add(old++);
        }
      } else if (c instanceof Component.Insert i) {
        for (int k = 0; k < i.length(); k++) {
          out.add(-1 - old);
        }
      } else {
        old += c.length();
      }
    }
    return out;
  }

  private static boolean anchored(int origin, Anchor a) {
    if (origin >= 0) {
      return origin >= a.from() && origin < a.to();
    }
    int gap = -1 - origin;
    return gap > a.from() && gap < a.to();
  }

  @Property(tries = 2000)
  void holdsExactlyTheSurvivingAndInsideText(@ForAll("opAndAnchor") OpAnchor c) {
    TextOperation op = c.docOp().op();
    Anchor moved = c.anchor().transform(op);
    List<Integer> origins = origins(op);
    List<Integer> inside = new ArrayList<>();
    for (int p = 0; p < origins.size(); p++) {
      if (anchored(origins.get(p), c.anchor())) {
        inside.add(p);
      }
    }
    assertThat(moved.to()).isLessThanOrEqualTo(op.targetLength());
    if (inside.isEmpty()) {
      assertThat(moved.isPoint()).as("nothing anchored survives: %s", moved).isTrue();
    } else {
      assertThat(moved)
          .as("op %s on anchor %s", op, c.anchor())
          .isEqualTo(new Anchor(inside.get(0), inside.get(inside.size() - 1) + 1));
    }
  }

  @Property(tries = 500)
  void aPointStaysBeforeTextInsertedAtIt(
      @ForAll("opAndAnchor") OpAnchor c, @ForAll("words") String word) {
    int at = c.anchor().from();
    int length = c.docOp().op().baseLength();
    Anchor point = new Anchor(at, at);
    Anchor moved = point.transform(TextOperation.splice(length, at, 0, word));
    assertThat(moved).isEqualTo(point);
  }

  @Property(tries = 500)
  void textInsertedAtAnEdgeStaysOutside(
      @ForAll("opAndAnchor") OpAnchor c, @ForAll("words") String word) {
    Anchor a = c.anchor();
    int length = c.docOp().op().baseLength();
    int w = word.codePointCount(0, word.length());
    assertThat(a.transform(TextOperation.splice(length, a.from(), 0, word)))
        .isEqualTo(a.isPoint() ? a : new Anchor(a.from() + w, a.to() + w));
    assertThat(a.transform(TextOperation.splice(length, a.to(), 0, word))).isEqualTo(a);
  }

  @Provide
  Arbitrary<String> words() {
    return OperationArbitraries.insertTexts();
  }
}
