package dev.quire.ot.operation;

import static dev.quire.ot.operation.UnicodeSamples.assertWellFormed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.operation.Component.Delete;
import dev.quire.ot.operation.Component.Insert;
import dev.quire.ot.operation.Component.Retain;
import dev.quire.ot.operation.OperationArbitraries.Concurrent;
import dev.quire.ot.operation.OperationArbitraries.DocOp;
import dev.quire.ot.operation.OperationArbitraries.Sequential;
import dev.quire.ot.operation.OperationArbitraries.Sequential3;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The algebra of operations, on random documents with astral characters and random edits. */
class TextOperationProperties {

  @Provide
  Arbitrary<DocOp> docAndOp() {
    return OperationArbitraries.docAndOp();
  }

  @Provide
  Arbitrary<Concurrent> concurrent() {
    return OperationArbitraries.concurrent();
  }

  @Provide
  Arbitrary<Sequential> sequential() {
    return OperationArbitraries.sequential();
  }

  @Provide
  Arbitrary<Sequential3> sequential3() {
    return OperationArbitraries.sequential3();
  }

  @Property
  void apply_givesWellFormedTextOfTargetLength(@ForAll("docAndOp") DocOp d) {
    String after = d.op().apply(d.doc());
    assertWellFormed(after);
    assertThat(CodePoints.count(after)).isEqualTo(d.op().targetLength());
    assertThat(d.op().baseLength()).isEqualTo(CodePoints.count(d.doc()));
  }

  @Property
  void transform_converges(@ForAll("concurrent") Concurrent c) {
    TransformedPair pair = TextOperation.transform(c.a(), c.b());
    String viaA = pair.bPrime().apply(c.a().apply(c.doc()));
    String viaB = pair.aPrime().apply(c.b().apply(c.doc()));
    assertThat(viaA).isEqualTo(viaB);
    assertWellFormed(viaA);
  }

  @Property
  void transform_bothPathsComposeToTheSameOperation(@ForAll("concurrent") Concurrent c) {
    // ot.js's own transform test asserts this equality too.
    TransformedPair pair = TextOperation.transform(c.a(), c.b());
    assertThat(c.a().compose(pair.bPrime())).isEqualTo(c.b().compose(pair.aPrime()));
  }

  @Property
  void transform_primesFitWhereTheyApply(@ForAll("concurrent") Concurrent c) {
    TransformedPair pair = TextOperation.transform(c.a(), c.b());
    assertThat(pair.aPrime().baseLength()).isEqualTo(c.b().targetLength());
    assertThat(pair.bPrime().baseLength()).isEqualTo(c.a().targetLength());
    assertThat(pair.aPrime().targetLength()).isEqualTo(pair.bPrime().targetLength());
  }

  @Property
  void transform_againstIdentityChangesNothing(@ForAll("docAndOp") DocOp d) {
    TextOperation id = TextOperation.identity(d.op().baseLength());
    TransformedPair pair = TextOperation.transform(d.op(), id);
    assertThat(pair.aPrime()).isEqualTo(d.op());
    assertThat(pair.bPrime()).isEqualTo(TextOperation.identity(d.op().targetLength()));
  }

  @Property
  void transform_keepsEveryInsertOfBoth(@ForAll("concurrent") Concurrent c) {
    TransformedPair pair = TextOperation.transform(c.a(), c.b());
    assertThat(insertedText(pair.aPrime())).isEqualTo(insertedText(c.a()));
    assertThat(insertedText(pair.bPrime())).isEqualTo(insertedText(c.b()));
  }

  @Property
  void compose_equalsApplyingInTurn(@ForAll("sequential") Sequential s) {
    TextOperation ab = s.a().compose(s.b());
    assertThat(ab.apply(s.doc())).isEqualTo(s.b().apply(s.a().apply(s.doc())));
    assertThat(ab.baseLength()).isEqualTo(s.a().baseLength());
    assertThat(ab.targetLength()).isEqualTo(s.b().targetLength());
  }

  @Property
  void compose_isAssociative(@ForAll("sequential3") Sequential3 s) {
    TextOperation left = s.a().compose(s.b()).compose(s.c());
    TextOperation right = s.a().compose(s.b().compose(s.c()));
    assertThat(left).isEqualTo(right);
    assertThat(left.apply(s.doc())).isEqualTo(s.c().apply(s.b().apply(s.a().apply(s.doc()))));
  }

  @Property
  void compose_withIdentityIsNeutral(@ForAll("docAndOp") DocOp d) {
    TextOperation op = d.op();
    assertThat(TextOperation.identity(op.baseLength()).compose(op)).isEqualTo(op);
    assertThat(op.compose(TextOperation.identity(op.targetLength()))).isEqualTo(op);
  }

  @Property
  void invert_undoesTheOperation(@ForAll("docAndOp") DocOp d) {
    String after = d.op().apply(d.doc());
    TextOperation inverse = d.op().invert(d.doc());
    assertThat(inverse.apply(after)).isEqualTo(d.doc());
    assertThat(d.op().compose(inverse).apply(d.doc())).isEqualTo(d.doc());
    for (Component c : inverse.components()) {
      if (c instanceof Insert i) {
        assertWellFormed(i.text());
      }
    }
  }

  @Property
  void invert_ofTheInverseIsTheOperation(@ForAll("docAndOp") DocOp d) {
    String after = d.op().apply(d.doc());
    assertThat(d.op().invert(d.doc()).invert(after)).isEqualTo(d.op());
  }

  @Property
  void of_componentsGivesTheSameOperation(@ForAll("docAndOp") DocOp d) {
    TextOperation again = TextOperation.of(d.op().components());
    assertThat(again).isEqualTo(d.op()).hasSameHashCodeAs(d.op());
    assertThat(again.components()).isEqualTo(d.op().components());
    assertThat(again.baseLength()).isEqualTo(d.op().baseLength());
    assertThat(again.targetLength()).isEqualTo(d.op().targetLength());
  }

  @Property
  void normalised_hasNoEmptyOrAdjacentSameKindComponentsAndNoDeleteBeforeInsert(
      @ForAll("docAndOp") DocOp d) {
    List<Component> cs = d.op().components();
    for (int i = 0; i < cs.size(); i++) {
      assertThat(cs.get(i).length()).isPositive();
      if (i > 0) {
        Component prev = cs.get(i - 1);
        assertThat(prev.getClass()).isNotEqualTo(cs.get(i).getClass());
        assertThat(prev instanceof Delete && cs.get(i) instanceof Insert)
            .as("delete before insert at %d in %s", i, d.op())
            .isFalse();
      }
    }
  }

  @Property
  void builder_randomlySplitAndReorderedComponentsGiveTheSameOperation(
      @ForAll("docAndOp") DocOp d, @ForAll Random random) {
    TextOperation op = d.op();
    TextOperation.Builder b = TextOperation.builder();
    List<Component> cs = op.components();
    for (int i = 0; i < cs.size(); i++) {
      Component c = cs.get(i);
      if (c instanceof Retain r) {
        for (int part : split(r.count(), random)) {
          noise(b, random);
          if (random.nextBoolean()) {
            b.retain(part);
          } else {
            b.add(new Retain(part));
          }
        }
      } else {
        // An edit run: an insert, a delete, or an insert followed by a delete. Emit the pieces of
        // both in a random interleaving: same position, same effect.
        List<String> inserts = new ArrayList<>();
        List<Integer> deletes = new ArrayList<>();
        if (c instanceof Insert ins) {
          inserts.addAll(splitText(ins.text(), random));
          if (i + 1 < cs.size() && cs.get(i + 1) instanceof Delete del) {
            deletes.addAll(split(del.count(), random));
            i++;
          }
        } else {
          deletes.addAll(split(c.length(), random));
        }
        int ii = 0;
        int di = 0;
        while (ii < inserts.size() || di < deletes.size()) {
          noise(b, random);
          boolean takeInsert =
              di == deletes.size() || (ii < inserts.size() && random.nextBoolean());
          if (takeInsert) {
            String piece = inserts.get(ii++);
            if (random.nextBoolean()) {
              b.insert(piece);
            } else {
              b.add(Insert.of(piece));
            }
          } else {
            int n = deletes.get(di++);
            if (random.nextBoolean()) {
              b.delete(n);
            } else {
              b.add(new Delete(n));
            }
          }
        }
      }
    }
    noise(b, random);
    TextOperation rebuilt = b.build();
    assertThat(rebuilt).isEqualTo(op).hasSameHashCodeAs(op);
    assertThat(rebuilt).hasToString(op.toString());
  }

  @Property
  void isNoop_exactlyWhenOnlyRetains(@ForAll("docAndOp") DocOp d) {
    boolean onlyRetains = d.op().components().stream().allMatch(c -> c instanceof Retain);
    assertThat(d.op().isNoop()).isEqualTo(onlyRetains);
    if (d.op().isNoop()) {
      assertThat(d.op().apply(d.doc())).isEqualTo(d.doc());
    }
  }

  private static String insertedText(TextOperation op) {
    StringBuilder sb = new StringBuilder();
    for (Component c : op.components()) {
      if (c instanceof Insert i) {
        sb.append(i.text());
      }
    }
    return sb.toString();
  }

  /** Zero-length calls, which the builder must ignore. */
  private static void noise(TextOperation.Builder b, Random random) {
    switch (random.nextInt(6)) {
      case 0 -> b.retain(0);
      case 1 -> b.delete(0);
      case 2 -> b.insert("");
      default -> {}
    }
  }

  /** {@code n} as a random sum of positive parts. */
  private static List<Integer> split(int n, Random random) {
    List<Integer> parts = new ArrayList<>();
    int left = n;
    while (left > 0) {
      int part = 1 + random.nextInt(left);
      parts.add(part);
      left -= part;
    }
    return parts;
  }

  /** {@code text} cut at random code-point boundaries into non-empty pieces. */
  private static List<String> splitText(String text, Random random) {
    List<String> pieces = new ArrayList<>();
    String rest = text;
    for (int len : split(CodePoints.count(text), random)) {
      pieces.add(CodePoints.prefix(rest, len));
      rest = CodePoints.suffix(rest, len);
    }
    return pieces;
  }
}
