package dev.quire.ot.operation;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators for documents and for operations that fit a given document. Text is made of
 * pieces that include astral characters, flags, ZWJ sequences, lone ZWJs and combining marks, so
 * that random cuts at code-point boundaries land inside graphemes and next to surrogate pairs.
 */
public final class OperationArbitraries {
  private OperationArbitraries() {}

  /** What documents and inserted text are made of. */
  public static final List<String> PIECES =
      List.of(
          "a",
          "b",
          "xyz",
          " ",
          "\n",
          "\u00E9", // é precomposed
          UnicodeSamples.E_ACUTE,
          UnicodeSamples.ACUTE,
          UnicodeSamples.CJK,
          "\u3042", // あ
          UnicodeSamples.GRIN,
          UnicodeSamples.CLEF,
          UnicodeSamples.FLAG_FR,
          UnicodeSamples.REGIONAL_F,
          UnicodeSamples.FAMILY,
          UnicodeSamples.ZWJ);

  /** Text of {@code min} to {@code max} pieces. */
  public static Arbitrary<String> texts(int min, int max) {
    return Arbitraries.of(PIECES)
        .list()
        .ofMinSize(min)
        .ofMaxSize(max)
        .map(pieces -> String.join("", pieces));
  }

  /** A document: empty or up to 20 pieces (up to about 100 code points). */
  public static Arbitrary<String> documents() {
    return texts(0, 20);
  }

  /** Non-empty inserted text. */
  public static Arbitrary<String> insertTexts() {
    return texts(1, 3);
  }

  /** One step of a {@link Recipe}. */
  public enum Kind {
    RETAIN,
    INSERT,
    DELETE
  }

  /** A step: retain or delete up to {@code size} code points, or insert {@code text}. */
  public record Step(Kind kind, int size, String text) {
    @Override
    public String toString() {
      return switch (kind) {
        case RETAIN -> "retain " + size;
        case DELETE -> "delete " + size;
        case INSERT -> "insert \"" + UnicodeSamples.escape(text) + '"';
      };
    }
  }

  /**
   * A way to build an operation for a document of any length: the steps, clipped to the document,
   * then the rest of the document retained or deleted.
   */
  public record Recipe(List<Step> steps, boolean deleteTail) {
    public TextOperation buildFor(int length) {
      TextOperation.Builder b = TextOperation.builder();
      int left = length;
      for (Step s : steps) {
        switch (s.kind()) {
          case RETAIN -> {
            int n = Math.min(s.size(), left);
            b.retain(n);
            left -= n;
          }
          case DELETE -> {
            int n = Math.min(s.size(), left);
            b.delete(n);
            left -= n;
          }
          case INSERT -> b.insert(s.text());
        }
      }
      return deleteTail ? b.delete(left).build() : b.retain(left).build();
    }

    public TextOperation buildFor(String document) {
      return buildFor(CodePoints.count(document));
    }
  }

  public static Arbitrary<Step> steps() {
    Arbitrary<Kind> kinds =
        Arbitraries.frequency(
            Tuple.of(4, Kind.RETAIN), Tuple.of(3, Kind.INSERT), Tuple.of(3, Kind.DELETE));
    // Mostly small steps, sometimes a long one that reaches further into the document.
    Arbitrary<Integer> sizes =
        Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.integers().between(1, 8)),
            Tuple.of(1, Arbitraries.integers().between(1, 60)));
    return Combinators.combine(kinds, sizes, insertTexts()).as(Step::new);
  }

  public static Arbitrary<Recipe> recipes() {
    return Combinators.combine(
            steps().list().ofMaxSize(8), Arbitraries.integers().between(0, 4).map(i -> i == 0))
        .as(Recipe::new);
  }

  /** Operations whose base is {@code document}. */
  public static Arbitrary<TextOperation> operationsFor(String document) {
    int length = CodePoints.count(document);
    return recipes().map(r -> r.buildFor(length));
  }

  /** A document and an operation that applies to it. */
  public record DocOp(String doc, TextOperation op) {
    @Override
    public String toString() {
      return "doc=\""
          + UnicodeSamples.escape(doc)
          + "\" op="
          + UnicodeSamples.escape(op.toString());
    }
  }

  /** A document and two concurrent operations on it. */
  public record Concurrent(String doc, TextOperation a, TextOperation b) {
    @Override
    public String toString() {
      return "doc=\""
          + UnicodeSamples.escape(doc)
          + "\" a="
          + UnicodeSamples.escape(a.toString())
          + " b="
          + UnicodeSamples.escape(b.toString());
    }
  }

  /** A document, an operation on it, and one on its result. */
  public record Sequential(String doc, TextOperation a, TextOperation b) {
    @Override
    public String toString() {
      return "doc=\""
          + UnicodeSamples.escape(doc)
          + "\" a="
          + UnicodeSamples.escape(a.toString())
          + " then b="
          + UnicodeSamples.escape(b.toString());
    }
  }

  /** A document and three operations applied one after the other. */
  public record Sequential3(String doc, TextOperation a, TextOperation b, TextOperation c) {
    @Override
    public String toString() {
      return "doc=\""
          + UnicodeSamples.escape(doc)
          + "\" a="
          + UnicodeSamples.escape(a.toString())
          + " then b="
          + UnicodeSamples.escape(b.toString())
          + " then c="
          + UnicodeSamples.escape(c.toString());
    }
  }

  // The tuples combine a document with length-agnostic recipes instead of flat-mapping each
  // document to operations that fit it: a recipe clips itself to whatever document it meets, so
  // the operations always fit, and generation is about 100 times faster than with flatMap (jqwik
  // builds a new generator for every flat-mapped sample), which keeps 1000 tries per property cheap
  // and lets jqwik shrink the document and the operations independently.

  public static Arbitrary<DocOp> docAndOp() {
    return Combinators.combine(documents(), recipes())
        .as((doc, r) -> new DocOp(doc, r.buildFor(doc)));
  }

  public static Arbitrary<Concurrent> concurrent() {
    return Combinators.combine(documents(), recipes(), recipes())
        .as((doc, ra, rb) -> new Concurrent(doc, ra.buildFor(doc), rb.buildFor(doc)));
  }

  public static Arbitrary<Sequential> sequential() {
    return Combinators.combine(documents(), recipes(), recipes())
        .as(
            (doc, ra, rb) -> {
              TextOperation a = ra.buildFor(doc);
              return new Sequential(doc, a, rb.buildFor(a.targetLength()));
            });
  }

  public static Arbitrary<Sequential3> sequential3() {
    return Combinators.combine(documents(), recipes(), recipes(), recipes())
        .as(
            (doc, ra, rb, rc) -> {
              TextOperation a = ra.buildFor(doc);
              TextOperation b = rb.buildFor(a.targetLength());
              return new Sequential3(doc, a, b, rc.buildFor(b.targetLength()));
            });
  }
}
