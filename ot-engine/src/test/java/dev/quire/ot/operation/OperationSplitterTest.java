package dev.quire.ot.operation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.OperationArbitraries.DocOp;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Splitting an operation keeps its effect and makes parts within the limit. */
class OperationSplitterTest {
  private static long jsonBytes(TextOperation op) {
    return OperationCodec.toJson(op).getBytes(StandardCharsets.UTF_8).length;
  }

  @Provide
  Arbitrary<DocOp> docAndOp() {
    return OperationArbitraries.docAndOp();
  }

  @Property
  void parts_applyInOrder_asTheOperation_andFitUnlessUncuttable(
      @ForAll("docAndOp") DocOp d, @ForAll @IntRange(min = 1, max = 64) int max) {
    List<TextOperation> parts =
        OperationSplitter.split(d.op(), max, OperationSplitterTest::jsonBytes);
    String text = d.doc();
    for (TextOperation p : parts) {
      assertThat(p.isNoop()).isEqualTo(d.op().isNoop());
      text = p.apply(text);
      if (jsonBytes(p) > max) {
        assertThat(OperationSplitter.halve(p)).as("an over-limit part %s", p).isNull();
      }
    }
    assertThat(text).isEqualTo(d.op().apply(d.doc()));
  }

  @Test
  void anOperationThatFits_isReturnedAlone() {
    TextOperation op = TextOperation.splice(3, 1, 1, "ab");
    assertThat(OperationSplitter.split(op, 1000, OperationSplitterTest::jsonBytes))
        .containsExactly(op);
  }

  @Test
  void aLargeInsert_isCutIntoPartsWithinTheLimit_withoutSplittingACharacter() {
    String big = "a😀\u0001\"é".repeat(10_000);
    TextOperation op = TextOperation.splice(2, 1, 0, big);
    List<TextOperation> parts = OperationSplitter.split(op, 4096, OperationSplitterTest::jsonBytes);
    assertThat(parts).hasSizeGreaterThan(10);
    String text = "xy";
    for (TextOperation p : parts) {
      assertThat(jsonBytes(p)).isLessThanOrEqualTo(4096);
      text = p.apply(text);
    }
    assertThat(text).isEqualTo("x" + big + "y");
  }

  @Test
  void aSingleCodePointOrDelete_cannotBeCut() {
    assertThat(OperationSplitter.halve(TextOperation.splice(5, 2, 0, "😀"))).isNull();
    assertThat(OperationSplitter.halve(TextOperation.splice(5, 2, 3, ""))).isNull();
    assertThat(OperationSplitter.split(TextOperation.splice(5, 2, 3, ""), 1, o -> 99)).hasSize(1);
  }

  @Test
  void manyEdits_areCutBetweenEdits() {
    TextOperation op =
        TextOperation.builder().insert("aa").retain(2).delete(1).retain(1).insert("bb").build();
    TextOperation[] halves = OperationSplitter.halve(op);
    assertThat(halves).isNotNull();
    assertThat(halves[1].apply(halves[0].apply("1234"))).isEqualTo(op.apply("1234"));
  }
}
