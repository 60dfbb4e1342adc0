package dev.quire.ot.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.operation.CodePoints;
import dev.quire.ot.operation.OperationArbitraries;
import dev.quire.ot.operation.OperationArbitraries.Recipe;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.operation.UnicodeSamples;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The gap buffer agrees with plain strings, whatever is edited where. */
class GapBufferProperties {

  record DocAndRecipes(String doc, List<Recipe> recipes) {
    @Override
    public String toString() {
      return "doc=\"" + UnicodeSamples.escape(doc) + "\" recipes=" + recipes;
    }
  }

  /** A direct edit: positions are raw numbers reduced to the text's length when used. */
  record Edit(boolean insert, int rawPosition, int rawCount, String text) {
    @Override
    public String toString() {
      return insert
          ? "insert at ~" + rawPosition + " \"" + UnicodeSamples.escape(text) + '"'
          : "delete at ~" + rawPosition + " up to " + rawCount;
    }
  }

  record DocAndEdits(String doc, List<Edit> edits) {
    @Override
    public String toString() {
      return "doc=\"" + UnicodeSamples.escape(doc) + "\" edits=" + edits;
    }
  }

  @Provide
  Arbitrary<DocAndRecipes> docAndRecipes() {
    return Combinators.combine(
            OperationArbitraries.documents(), OperationArbitraries.recipes().list().ofMaxSize(12))
        .as(DocAndRecipes::new);
  }

  @Provide
  Arbitrary<DocAndEdits> docAndEdits() {
    Arbitrary<Edit> edit =
        Combinators.combine(
                Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 500),
                Arbitraries.integers().between(0, 12),
                OperationArbitraries.insertTexts())
            .as(Edit::new);
    return Combinators.combine(OperationArbitraries.documents(), edit.list().ofMaxSize(25))
        .as(DocAndEdits::new);
  }

  @Property
  void apply_agreesWithStringApply(@ForAll("docAndRecipes") DocAndRecipes d) {
    String text = d.doc();
    GapBuffer buf = new GapBuffer(text);
    assertSame(buf, text);
    for (Recipe r : d.recipes()) {
      TextOperation op = r.buildFor(text);
      text = op.apply(text);
      buf.apply(op);
      assertSame(buf, text);
    }
  }

  @Property
  void insertDeleteAndSubstring_agreeWithStrings(@ForAll("docAndEdits") DocAndEdits d) {
    String text = d.doc();
    GapBuffer buf = new GapBuffer(text);
    for (Edit e : d.edits()) {
      int length = CodePoints.count(text);
      int position = e.rawPosition() % (length + 1);
      if (e.insert()) {
        buf.insert(position, e.text());
        text = CodePoints.prefix(text, position) + e.text() + CodePoints.suffix(text, position);
      } else {
        int count = Math.min(e.rawCount(), length - position);
        buf.delete(position, count);
        text = CodePoints.prefix(text, position) + CodePoints.suffix(text, position + count);
      }
      assertSame(buf, text);
      int n = CodePoints.count(text);
      int from = e.rawCount() % (n + 1);
      int to = from + (e.rawPosition() % (n - from + 1));
      assertThat(buf.substring(from, to))
          .isEqualTo(
              text.substring(text.offsetByCodePoints(0, from), text.offsetByCodePoints(0, to)));
    }
  }

  private static void assertSame(GapBuffer buf, String text) {
    assertThat(buf.toString()).isEqualTo(text);
    assertThat(buf.length()).isEqualTo(CodePoints.count(text));
    assertThat(buf.charLength()).isEqualTo(text.length());
  }
}
