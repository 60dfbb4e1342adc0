package dev.quire.ot.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.OperationArbitraries;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The fast reader of {@code history} and {@code sequenced} ({@link BatchMessageReader}) changes no
 * outcome: on the relay's own messages and on every kind of damage to them, {@link
 * ProtocolCodec#decodeServer} gives exactly what the general (tree) way gives.
 */
class BatchMessageReaderProperties {

  @Provide
  Arbitrary<ServerMessage> messages() {
    Arbitrary<String> op =
        OperationArbitraries.docAndOp()
            .filter(d -> !d.op().isNoop())
            .map(d -> OperationCodec.toJson(d.op()));
    Arbitrary<WireBatch> batch =
        Combinators.combine(
                Arbitraries.of("c1", "client-é", "c\"q"),
                Arbitraries.longs().between(1, 1L << 40),
                Arbitraries.longs().between(0, 50),
                op.list().ofMinSize(1).ofMaxSize(4))
            .as(WireBatch::new);
    Arbitrary<List<WireBatch>> batches = batch.list().ofMinSize(1).ofMaxSize(4);
    Arbitrary<String> author = Arbitraries.of("alice", "bob", "zoë");
    return Combinators.combine(
            batches, author, Arbitraries.longs(), Arbitraries.integers().between(0, 2))
        .as(
            (bs, who, time, kind) -> {
              List<WireSequenced> seq = new ArrayList<>();
              long first = 51;
              for (WireBatch b : bs) {
                seq.add(new WireSequenced(first, who, time, b));
                first += b.size();
              }
              return kind == 0
                  ? new ServerMessage.Sequenced("doc-1", seq)
                  : new ServerMessage.History("doc-1", seq, first - 1 + kind, kind == 1);
            });
  }

  @Property
  void theRelaysOwnMessages_areReadBackAsTheyWere(@ForAll("messages") ServerMessage m) {
    String json = ProtocolCodec.encode(m);
    assertThat(BatchMessageReader.read(json)).isEqualTo(new Reply(null, m));
    assertThat(ProtocolCodec.decodeServer(json)).isEqualTo(m);
    String answer = ProtocolCodec.encode(m, "r-5");
    assertThat(BatchMessageReader.read(answer)).isEqualTo(new Reply("r-5", m));
  }

  /** Damage of every kind a relay (or a network) could do to a message. */
  @Provide
  Arbitrary<String> damaged() {
    Arbitrary<String> replacement =
        Arbitraries.of(
            " ",
            "\"",
            "1",
            "-1",
            "0",
            "1.5",
            "null",
            "true",
            "[]",
            "{}",
            "\"x\"",
            ",",
            "]",
            "}",
            "\\u0041",
            "99999999999999999999",
            "[ 1]",
            "\ud800");
    Arbitrary<String> spliced =
        Combinators.combine(
                messages(),
                Arbitraries.integers().between(0, 10_000),
                Arbitraries.integers().between(0, 4),
                replacement)
            .as(
                (m, at, cut, put) -> {
                  String json = ProtocolCodec.encode(m);
                  int i = at % (json.length() + 1);
                  int j = Math.min(json.length(), i + cut);
                  return json.substring(0, i) + put + json.substring(j);
                });
    // A field repeated, unknown or of the wrong type, at the start of one of the objects.
    Arbitrary<String> field =
        Arbitraries.of(
            "\"author\":\"x\",",
            "\"doc\":\"d\",",
            "\"batchSeq\":2,",
            "\"head\":3,",
            "\"complete\":true,",
            "\"firstRevision\":9,",
            "\"timestamp\":1,",
            "\"clientId\":\"c\",",
            "\"baseRevision\":0,",
            "\"operations\":[[1]],",
            "\"batches\":[],",
            "\"extra\":1,",
            "\"type\":\"history\",",
            "\"batch\":{},",
            "\"id\":\"r\",",
            "\"id\":7,");
    Arbitrary<String> withField =
        Combinators.combine(messages(), Arbitraries.integers().between(0, 20), field)
            .as(
                (m, k, put) -> {
                  String json = ProtocolCodec.encode(m);
                  int at = -1;
                  for (int n = 0; n <= k; n++) {
                    int next = json.indexOf('{', at + 1);
                    if (next < 0) {
                      break;
                    }
                    at = next;
                  }
                  return json.substring(0, at + 1) + put + json.substring(at + 1);
                });
    return Arbitraries.oneOf(spliced, withField);
  }

  @Property(tries = 2000)
  void damagedMessages_getTheSameOutcomeBothWays(@ForAll("damaged") String json) {
    assertThat(outcome(() -> ProtocolCodec.decodeReply(json)))
        .as(json)
        .isEqualTo(outcome(() -> ProtocolCodec.decodeReplyTree(json)));
  }

  private static Object outcome(java.util.function.Supplier<Reply> decode) {
    try {
      return decode.get();
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }
}
