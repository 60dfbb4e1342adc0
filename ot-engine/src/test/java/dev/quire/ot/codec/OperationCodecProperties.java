package dev.quire.ot.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
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

  @Property
  void json_isTheTextJacksonWrites(@ForAll("docAndOp") DocOp d) {
    assertThat(OperationCodec.toJson(d.op())).isEqualTo(OperationCodec.toTree(d.op()).toString());
  }

  @Property
  void json_escapesInsertsAsJacksonDoes(@ForAll("insertText") String text) {
    TextOperation op = TextOperation.builder().retain(2).insert(text).delete(1).build();
    String json = OperationCodec.toJson(op);
    assertThat(json).isEqualTo(OperationCodec.toTree(op).toString());
    assertThat(OperationCodec.fromJson(json)).isEqualTo(op);
  }

  @Property
  void json_hasOneElementPerComponent(@ForAll("docAndOp") DocOp d) {
    assertThat(OperationCodec.toTree(d.op()).size()).isEqualTo(d.op().componentCount());
  }
}
