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
 * {@link MessageReader}'s streaming read changes no outcome: on the relay's own messages and on
 * every kind of damage to them, {@link ProtocolCodec#decodeReply} gives exactly what reading the
 * same shapes from a Jackson tree gives, the same message or the same refusal, word for word.
 */
class MessageReaderProperties {

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
                op.list().ofMinSize(1).ofMaxSize(4),
                Arbitraries.longs().between(0, Long.MAX_VALUE))
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
    assertThat(MessageReader.streamReply(json)).isEqualTo(new Reply(null, m));
    assertThat(MessageReader.replyFromTree(json)).isEqualTo(new Reply(null, m));
    assertThat(ProtocolCodec.decodeServer(json)).isEqualTo(m);
    String answer = ProtocolCodec.encode(m, "r-5");
    assertThat(MessageReader.streamReply(answer)).isEqualTo(new Reply("r-5", m));
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
            "\"madeAt\":-1,",
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
        .isEqualTo(outcome(() -> MessageReader.replyFromTree(json)));
  }

  /** Requests (and replies) of every type, damaged in one or more places. */
  @Provide
  Arbitrary<String> damagedRequests() {
    List<String> requests =
        ProtocolCodecTest.clientMessages().map(m -> ProtocolCodec.encode("r1", m)).toList();
    List<String> replies =
        ProtocolCodecTest.serverMessages().map(m -> ProtocolCodec.encode(m, "r1")).toList();
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
            "\ud800",
            "\"id\":\"q\",",
            "\"extra\":2,",
            "\"none\"",
            "\"owner\"",
            "\"type\":\"list\",",
            "\"doc\":\"d\",");
    return Combinators.combine(
            Arbitraries.of(requests),
            Arbitraries.of(replies),
            Arbitraries.integers().between(0, 10_000),
            Arbitraries.integers().between(0, 4),
            replacement,
            Arbitraries.integers().between(0, 2))
        .as(
            (request, reply, at, cut, put, more) -> {
              String json = at % 2 == 0 ? request : reply;
              for (int k = 0; k <= more; k++) {
                int i = (at * (k + 7)) % (json.length() + 1);
                json =
                    json.substring(0, i) + put + json.substring(Math.min(json.length(), i + cut));
              }
              return json;
            });
  }

  @Property(tries = 2000)
  void damagedRequests_getTheSameOutcomeBothWays(@ForAll("damagedRequests") String json) {
    assertThat(outcome(() -> ProtocolCodec.decodeRequest(json)))
        .as(json)
        .isEqualTo(outcome(() -> MessageReader.requestFromTree(json)));
    assertThat(outcome(() -> ProtocolCodec.decodeReply(json)))
        .as(json)
        .isEqualTo(outcome(() -> MessageReader.replyFromTree(json)));
  }

  private static Object outcome(java.util.function.Supplier<?> decode) {
    try {
      return decode.get();
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }
}
