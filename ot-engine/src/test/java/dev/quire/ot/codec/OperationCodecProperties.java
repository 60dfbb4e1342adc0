package dev.quire.ot.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.ot.operation.MalformedOperationException;
import dev.quire.ot.operation.OperationArbitraries;
import dev.quire.ot.operation.OperationArbitraries.DocOp;
import dev.quire.ot.operation.TextOperation;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class OperationCodecProperties {

  @Provide
  Arbitrary<DocOp> docAndOp() {
    return OperationArbitraries.docAndOp();
  }

  @Property
  void json_roundTrips(@ForAll("docAndOp") DocOp d) {
    String json = OperationCodec.toJson(d.op());
    TextOperation back = OperationCodec.fromJson(json);
    assertThat(back).isEqualTo(d.op());
    assertThat(back.apply(d.doc())).isEqualTo(d.op().apply(d.doc()));
    assertThat(OperationCodec.toJson(back)).isEqualTo(json);
  }

  @Property
  void tree_roundTrips(@ForAll("docAndOp") DocOp d) throws Exception {
    assertThat(OperationCodec.fromTree(OperationCodec.toTree(d.op()))).isEqualTo(d.op());
    // The text form is plain JSON that any parser reads back into the same tree.
    assertThat(new ObjectMapper().readTree(OperationCodec.toJson(d.op())))
        .isEqualTo(OperationCodec.toTree(d.op()));
  }

  @Provide
  Arbitrary<String> insertText() {
    return Arbitraries.oneOf(
            Arbitraries.chars().range('\u0000', '\u00ff').map(String::valueOf),
            Arbitraries.of("\"", "\\", "\u007f", "\u2028", "😀", "🇫🇷", "e\u0301"))
        .list()
        .ofMinSize(1)
        .ofMaxSize(12)
        .map(parts -> String.join("", parts));
  }

  /**
   * Jackson's compact text with its upper-case {@code \\u00XX} escapes in lower case: Jackson
   * escapes exactly the characters RFC 8785 escapes, in the same short forms, but in upper case.
   */
  static String jacksonCanonical(com.fasterxml.jackson.databind.JsonNode tree) {
    char[] c = tree.toString().toCharArray();
    for (int i = 0; i < c.length - 1; i++) {
      if (c[i] == '\\' && c[++i] == 'u') {
        for (int k = i + 1; k <= i + 4; k++) {
          c[k] = Character.toLowerCase(c[k]);
        }
      }
    }
    return new String(c);
  }

  @Property
  void json_isTheCanonicalText(@ForAll("docAndOp") DocOp d) {
    assertThat(OperationCodec.toJson(d.op()))
        .isEqualTo(jacksonCanonical(OperationCodec.toTree(d.op())));
  }

  @Property
  void json_escapesInsertsAsRfc8785Does(@ForAll("insertText") String text) {
    TextOperation op = TextOperation.builder().retain(2).insert(text).delete(1).build();
    String json = OperationCodec.toJson(op);
    assertThat(json).isEqualTo(jacksonCanonical(OperationCodec.toTree(op)));
    assertThat(json).isEqualTo(CanonicalJson.write(java.util.List.of(2L, text, -1L)));
    assertThat(OperationCodec.fromJson(json)).isEqualTo(op);
  }

  @Property
  void compactJson_isReadByTheCharacterScan(@ForAll("docAndOp") DocOp d) {
    String json = OperationCodec.toJson(d.op());
    if (!d.op().isNoop()) {
      assertThat(OperationCodec.readCompact(json)).isEqualTo(d.op());
    }
  }

  @Property
  void json_hasOneElementPerComponent(@ForAll("docAndOp") DocOp d) {
    assertThat(OperationCodec.toTree(d.op()).size()).isEqualTo(d.op().componentCount());
  }

  /** Array elements as written by hand: valid components and every kind of mistake. */
  @Provide
  Arbitrary<String> handWritten() {
    Arbitrary<String> element =
        Arbitraries.oneOf(
            Arbitraries.integers().between(-5, 5).map(String::valueOf),
            Arbitraries.of("2147483647", "-2147483647", "-2147483648", "2147483648", "1.0", "1e3"),
            Arbitraries.strings().withChars("ab\u00e9\"").ofMaxLength(3).map(t -> '"' + t + '"'),
            Arbitraries.of("\"\\ud83d\\ude00\"", "\"\\ud83d\"", "null", "true", "{}", "[1]"),
            Arbitraries.of(
                "\"a\\nb\"",
                "\"\\u00e9\\/\\\\\"",
                "\"\\\"\"",
                "\"\\x\"",
                "\"\\u12\"",
                "\"\t\"",
                "007",
                "-0"));
    // Spaced as people write it, and compact as the codec does (the character-scanning path).
    Arbitrary<String> array =
        Arbitraries.oneOf(
            element.list().ofMaxSize(5).map(l -> "[" + String.join(", ", l) + "]"),
            element.list().ofMaxSize(5).map(l -> "[" + String.join(",", l) + "]"));
    return Arbitraries.oneOf(
        array, array.map(a -> a + " [2]"), array.map(a -> a + "]"), array.map(a -> a.substring(1)));
  }

  /** The streaming fast path and the tree path agree: the same operation or the same refusal. */
  @Property
  void fromJson_agreesWithTheTreePath(@ForAll("handWritten") String json) {
    Object viaTree;
    try {
      viaTree =
          OperationCodec.fromTree(
              new ObjectMapper()
                  .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                  .readTree(json));
    } catch (Exception e) {
      viaTree = "refused";
    }
    Object viaJson;
    try {
      viaJson = OperationCodec.fromJson(json);
    } catch (MalformedOperationException e) {
      viaJson = "refused";
    }
    assertThat(viaJson).as(json).isEqualTo(viaTree);
  }

  /** The compact text of what was written by hand is the canonical text of the same tree. */
  @Property
  void compactText_isWhatJacksonWrites(@ForAll("handWritten") String json) throws Exception {
    com.fasterxml.jackson.databind.JsonNode tree;
    try {
      tree =
          new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(json);
    } catch (Exception notJson) {
      return;
    }
    String text = OperationCodec.compactText(tree);
    boolean numbersAndStrings = tree.isArray();
    for (com.fasterxml.jackson.databind.JsonNode e : tree) {
      numbersAndStrings &= e.isTextual() || e.isInt() || e.isLong();
    }
    if (numbersAndStrings) {
      assertThat(text).isEqualTo(jacksonCanonical(tree));
    } else {
      assertThat(text).isNull();
    }
  }

  @Property
  void compactText_ofAnOperationsTree_isItsJson(@ForAll("docAndOp") DocOp d) {
    assertThat(OperationCodec.compactText(OperationCodec.toTree(d.op())))
        .isEqualTo(OperationCodec.toJson(d.op()));
  }
}
