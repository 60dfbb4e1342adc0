package dev.quire.ot.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.ClientState;
import dev.quire.ot.sync.SequencedBatch;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SyncCodecTest {

  // A family emoji (ZWJ sequence), a flag, a combining mark and an astral letter.
  private static final String ASTRAL = "👨‍👩‍👧 🇫🇷 e\u0301 𝔸";

  private static final TextOperation INSERT_ASTRAL = TextOperation.splice(0, 0, 0, ASTRAL);
  private static final TextOperation APPEND_BANG =
      TextOperation.splice(INSERT_ASTRAL.targetLength(), INSERT_ASTRAL.targetLength(), 0, "!");
  private static final TextOperation DELETE_FLAG =
      TextOperation.splice(APPEND_BANG.targetLength(), 6, 2, "");

  private static final Batch BATCH = new Batch("c1", 3, 0, List.of(INSERT_ASTRAL, APPEND_BANG));

  /** JSON written with single quotes for readability. */
  private static String j(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  @Nested
  class RoundTrips {
    @Test
    void batch_has_the_documented_form() {
      Batch b = new Batch("c1", 3, 41, List.of(TextOperation.splice(10, 5, 3, "abc")));
      assertThat(SyncCodec.toJson(b))
          .isEqualTo(
              j("{'clientId':'c1','batchSeq':3,'baseRevision':41,'operations':[[5,'abc',-3,2]]}"));
    }

    @Test
    void batch_round_trips_with_astral_text() {
      String json = SyncCodec.toJson(BATCH);
      assertThat(SyncCodec.batchFromJson(json)).isEqualTo(BATCH);
      assertThat(SyncCodec.batchFromTree(SyncCodec.toTree(BATCH))).isEqualTo(BATCH);
    }

    @Test
    void sequenced_batch_has_the_documented_form_and_round_trips() {
      SequencedBatch s = new SequencedBatch(7, "alice", 1_700_000_000_000L, BATCH);
      String json = SyncCodec.toJson(s);
      assertThat(json)
          .startsWith(
              j(
                  "{'firstRevision':7,'author':'alice','timestamp':1700000000000,'batch':{'clientId'"));
      assertThat(SyncCodec.sequencedBatchFromJson(json)).isEqualTo(s);
      assertThat(SyncCodec.sequencedBatchFromTree(SyncCodec.toTree(s))).isEqualTo(s);
    }

    @Test
    void sequenced_batch_keeps_extreme_timestamps_and_revisions() {
      Batch b = new Batch("c", Long.MAX_VALUE, Long.MAX_VALUE - 1, List.of(INSERT_ASTRAL));
      for (long ts : new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}) {
        SequencedBatch s = new SequencedBatch(Long.MAX_VALUE, "bob", ts, b);
        assertThat(SyncCodec.sequencedBatchFromJson(SyncCodec.toJson(s))).isEqualTo(s);
      }
    }

    @Test
    void idle_client_state_has_the_documented_form_and_round_trips() {
      ClientState state = new ClientState("c1", 12, 4, null, List.of(), List.of());
      String json = SyncCodec.toJson(state);
      assertThat(json)
          .isEqualTo(
              j(
                  "{'clientId':'c1','revision':12,'nextBatchSeq':4,'inFlight':null,"
                      + "'inFlightOperations':[],'queued':[]}"));
      assertThat(SyncCodec.clientStateFromJson(json)).isEqualTo(state);
    }

    @Test
    void busy_client_state_round_trips() {
      // in flight: the batch as sent; its operations as transformed since; more edits queued.
      ClientState state =
          new ClientState(
              "c1", 5, 4, BATCH, List.of(INSERT_ASTRAL, APPEND_BANG), List.of(DELETE_FLAG));
      String json = SyncCodec.toJson(state);
      ClientState back = SyncCodec.clientStateFromJson(json);
      assertThat(back).isEqualTo(state);
      assertThat(back.inFlight()).isEqualTo(BATCH);
      assertThat(SyncCodec.clientStateFromTree(SyncCodec.toTree(state))).isEqualTo(state);
    }

    @Test
    void operations_use_the_ot_js_array_form() {
      String json = SyncCodec.toJson(BATCH);
      assertThat(json).contains(OperationCodec.toJson(INSERT_ASTRAL));
      assertThat(json).contains(OperationCodec.toJson(APPEND_BANG));
    }

    @Test
    void decoding_normalises_operations_as_operation_codec_does() {
      Batch b =
          SyncCodec.batchFromJson(
              j("{'clientId':'c','batchSeq':1,'baseRevision':0,'operations':[['a','b']]}"));
      assertThat(b.operations()).containsExactly(TextOperation.splice(0, 0, 0, "ab"));
    }

    @Test
    void field_order_and_whitespace_do_not_matter() {
      Batch b =
          SyncCodec.batchFromJson(
              j(
                  " { 'operations' : [ [ 'x' ] ] , 'baseRevision' : 0 ,\n"
                      + " 'batchSeq' : 1 , 'clientId' : 'c' } "));
      assertThat(b).isEqualTo(new Batch("c", 1, 0, List.of(TextOperation.splice(0, 0, 0, "x"))));
    }
  }

  static Stream<Arguments> malformedBatches() {
    String ok = "'clientId':'c','batchSeq':1,'baseRevision':0";
    String ops = "'operations':[['ab']]";
    return Stream.of(
        arguments("", "batch must be a JSON object, was nothing"),
        arguments("{", "batch is not valid JSON"),
        arguments("{} {}", "batch is not valid JSON"),
        arguments("[]", "batch must be a JSON object, was an array"),
        arguments("null", "batch must be a JSON object, was null"),
        arguments("'x'", "batch must be a JSON object, was a string"),
        arguments("{" + ok + "," + ops + ",'clientId':'d'}", "batch is not valid JSON"),
        arguments("{" + ok + "," + ops + ",'extra':1}", "batch.extra is not a known field"),
        // missing fields
        arguments("{'batchSeq':1,'baseRevision':0," + ops + "}", "batch.clientId is missing"),
        arguments("{'clientId':'c','baseRevision':0," + ops + "}", "batch.batchSeq is missing"),
        arguments("{'clientId':'c','batchSeq':1," + ops + "}", "batch.baseRevision is missing"),
        arguments("{" + ok + "}", "batch.operations is missing"),
        // nulls
        arguments(
            "{'clientId':null,'batchSeq':1,'baseRevision':0," + ops + "}",
            "batch.clientId must be a string, was null"),
        arguments(
            "{'clientId':'c','batchSeq':null,'baseRevision':0," + ops + "}",
            "batch.batchSeq must be an integer, was null"),
        arguments("{" + ok + ",'operations':null}", "batch.operations must be an array"),
        arguments("{" + ok + ",'operations':[null]}", "batch.operations[0]"),
        // wrong types
        arguments(
            "{'clientId':7,'batchSeq':1,'baseRevision':0," + ops + "}",
            "batch.clientId must be a string, was the number 7"),
        arguments(
            "{'clientId':'c','batchSeq':'1','baseRevision':0," + ops + "}",
            "batch.batchSeq must be an integer, was a string"),
        arguments(
            "{'clientId':'c','batchSeq':true,'baseRevision':0," + ops + "}",
            "batch.batchSeq must be an integer, was a boolean"),
        arguments(
            "{'clientId':'c','batchSeq':1.0,'baseRevision':0," + ops + "}",
            "batch.batchSeq must be an integer, was the number 1.0"),
        arguments(
            "{'clientId':'c','batchSeq':1,'baseRevision':1e2," + ops + "}",
            "batch.baseRevision must be an integer"),
        arguments(
            "{'clientId':'c','batchSeq':1,'baseRevision':[0]," + ops + "}",
            "batch.baseRevision must be an integer, was an array"),
        arguments("{" + ok + ",'operations':{}}", "batch.operations must be an array"),
        arguments("{" + ok + ",'operations':['ab']}", "batch.operations[0]"),
        // out of range
        arguments(
            "{'clientId':'c','batchSeq':9223372036854775808,'baseRevision':0," + ops + "}",
            "batch.batchSeq is out of range: 9223372036854775808"),
        arguments(
            "{'clientId':'c','batchSeq':0,'baseRevision':0," + ops + "}",
            "batch.batchSeq must be at least 1, was 0"),
        arguments(
            "{'clientId':'c','batchSeq':1,'baseRevision':-1," + ops + "}",
            "batch.baseRevision must be at least 0, was -1"),
        // content
        arguments(
            "{'clientId':' ','batchSeq':1,'baseRevision':0," + ops + "}",
            "batch.clientId must not be blank"),
        arguments(
            "{'clientId':'\\ud800','batchSeq':1,'baseRevision':0," + ops + "}",
            "batch.clientId: text has an unpaired surrogate"),
        arguments("{" + ok + ",'operations':[]}", "batch.operations must not be empty"),
        arguments(
            "{" + ok + ",'operations':[['a',0]]}", "batch.operations[0]: operation element 1"),
        arguments("{" + ok + ",'operations':[['a'],['']]}", "batch.operations[1]: operation"),
        arguments(
            "{" + ok + ",'operations':[['\\udc00']]}", "batch.operations[0]: |unpaired surrogate"),
        arguments(
            "{" + ok + ",'operations':[['ab'],[1,'c']]}",
            "batch.operations[1] expects a document of 1 code points but batch.operations[0]"
                + " leaves 2"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("malformedBatches")
  void refuses_malformed_batch(String json, String message) {
    // "a|b": the message holds both parts (a field path and the operation codec's own words).
    assertThatThrownBy(() -> SyncCodec.batchFromJson(j(json)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContainingAll(message.split("\\|"));
  }

  static Stream<Arguments> malformedSequencedBatches() {
    String batch = "'batch':{'clientId':'c','batchSeq':1,'baseRevision':4,'operations':[[2,'x']]}";
    return Stream.of(
        arguments(
            "{'firstRevision':5,'author':'a','timestamp':1}", "sequencedBatch.batch is missing"),
        arguments(
            "{'author':'a','timestamp':1," + batch + "}",
            "sequencedBatch.firstRevision is missing"),
        arguments(
            "{'firstRevision':5,'timestamp':1," + batch + "}", "sequencedBatch.author is missing"),
        arguments(
            "{'firstRevision':5,'author':'a'," + batch + "}",
            "sequencedBatch.timestamp is missing"),
        arguments(
            "{'firstRevision':5,'author':'a','timestamp':1,'batch':null}",
            "sequencedBatch.batch must be a JSON object, was null"),
        arguments(
            "{'firstRevision':5,'author':null,'timestamp':1," + batch + "}",
            "sequencedBatch.author must be a string, was null"),
        arguments(
            "{'firstRevision':'5','author':'a','timestamp':1," + batch + "}",
            "sequencedBatch.firstRevision must be an integer, was a string"),
        arguments(
            "{'firstRevision':5,'author':'a','timestamp':1.5," + batch + "}",
            "sequencedBatch.timestamp must be an integer, was the number 1.5"),
        arguments(
            "{'firstRevision':5,'author':'a','timestamp':-9223372036854775809," + batch + "}",
            "sequencedBatch.timestamp is out of range"),
        arguments(
            "{'firstRevision':0,'author':'a','timestamp':1," + batch + "}",
            "sequencedBatch.firstRevision must be at least 1, was 0"),
        arguments(
            "{'firstRevision':4,'author':'a','timestamp':1," + batch + "}",
            "sequencedBatch.firstRevision 4 must come after sequencedBatch.batch.baseRevision 4"),
        arguments(
            "{'firstRevision':5,'author':'a','timestamp':1,'revision':5," + batch + "}",
            "sequencedBatch.revision is not a known field"),
        arguments(
            "{'firstRevision':5,'author':'a','timestamp':1,"
                + "'batch':{'clientId':'c','batchSeq':-1,'baseRevision':4,'operations':[[2,'x']]}}",
            "sequencedBatch.batch.batchSeq must be at least 1, was -1"),
        arguments(
            "{'firstRevision':5,'author':'a','timestamp':1,"
                + "'batch':{'clientId':'c','batchSeq':1,'baseRevision':4,'operations':[[2,-2147483648]]}}",
            "sequencedBatch.batch.operations[0]: operation element 1 is out of range"),
        arguments("[1]", "sequencedBatch must be a JSON object, was an array"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("malformedSequencedBatches")
  void refuses_malformed_sequenced_batch(String json, String message) {
    assertThatThrownBy(() -> SyncCodec.sequencedBatchFromJson(j(json)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining(message);
  }

  static Stream<Arguments> malformedClientStates() {
    String inFlight =
        "{'clientId':'c','batchSeq':2,'baseRevision':3,'operations':[['ab'],[2,'c']]}";
    String head = "'clientId':'c','revision':5,'nextBatchSeq':3";
    String ok = head + ",'inFlight':" + inFlight;
    String flightOps = "'inFlightOperations':[['ab'],[2,'c']]";
    return Stream.of(
        arguments("{" + ok + "," + flightOps + "}", "clientState.queued is missing"),
        arguments(
            "{'clientId':'c','revision':5,'nextBatchSeq':3,'inFlightOperations':[],'queued':[]}",
            "clientState.inFlight is missing"),
        arguments("{" + ok + ",'queued':[]}", "clientState.inFlightOperations is missing"),
        arguments(
            "{'revision':5,'nextBatchSeq':3,'inFlight':null,'inFlightOperations':[],'queued':[]}",
            "clientState.clientId is missing"),
        arguments(
            "{'clientId':'','revision':5,'nextBatchSeq':3,'inFlight':null,"
                + "'inFlightOperations':[],'queued':[]}",
            "clientState.clientId must not be blank"),
        arguments(
            "{'clientId':'c','revision':null,'nextBatchSeq':3,'inFlight':null,"
                + "'inFlightOperations':[],'queued':[]}",
            "clientState.revision must be an integer, was null"),
        arguments(
            "{'clientId':'c','revision':-1,'nextBatchSeq':3,'inFlight':null,"
                + "'inFlightOperations':[],'queued':[]}",
            "clientState.revision must be at least 0, was -1"),
        arguments(
            "{'clientId':'c','revision':5,'nextBatchSeq':'3','inFlight':null,"
                + "'inFlightOperations':[],'queued':[]}",
            "clientState.nextBatchSeq must be an integer, was a string"),
        arguments(
            "{'clientId':'c','revision':5,'nextBatchSeq':0,'inFlight':null,"
                + "'inFlightOperations':[],'queued':[]}",
            "clientState.nextBatchSeq must be at least 1, was 0"),
        arguments(
            "{" + head + ",'inFlight':null,'inFlightOperations':null,'queued':[]}",
            "clientState.inFlightOperations must be an array of operations, was null"),
        arguments(
            "{" + head + ",'inFlight':null,'inFlightOperations':[],'queued':'ab'}",
            "clientState.queued must be an array of operations, was a string"),
        arguments(
            "{" + head + ",'inFlight':[],'inFlightOperations':[],'queued':[]}",
            "clientState.inFlight must be a JSON object, was an array"),
        arguments(
            "{" + head + ",'inFlight':null,'inFlightOperations':[['a']],'queued':[]}",
            "clientState.inFlightOperations must be empty when clientState.inFlight is null"),
        arguments(
            "{" + head + ",'inFlight':null,'inFlightOperations':[],'queued':[['a'],[2,'b']]}",
            "clientState.queued[1] expects a document of 2 code points but clientState.queued[0]"
                + " leaves 1"),
        arguments(
            "{" + head + ",'inFlight':null,'inFlightOperations':[],'queued':[[0]]}",
            "clientState.queued[0]: operation element 0 is 0"),
        arguments(
            "{" + ok + ",'inFlightOperations':[['ab']],'queued':[]}",
            "clientState.inFlightOperations has 1 operations but clientState.inFlight has 2"),
        arguments(
            "{" + ok + ",'inFlightOperations':[['ab'],[1,'c']],'queued':[]}",
            "clientState.inFlightOperations[1] expects a document of 1 code points"),
        arguments(
            "{" + ok + "," + flightOps + ",'queued':[[2,'d']]}",
            "clientState.queued[0] expects a document of 2 code points but the last of"
                + " clientState.inFlightOperations leaves 3"),
        arguments(
            "{'clientId':'d','revision':5,'nextBatchSeq':3,'inFlight':"
                + inFlight
                + ","
                + flightOps
                + ",'queued':[]}",
            "clientState.inFlight.clientId \"c\" is not clientState.clientId \"d\""),
        arguments(
            "{'clientId':'c','revision':5,'nextBatchSeq':2,'inFlight':"
                + inFlight
                + ","
                + flightOps
                + ",'queued':[]}",
            "clientState.inFlight.batchSeq 2 must be below clientState.nextBatchSeq 2"),
        arguments(
            "{'clientId':'c','revision':2,'nextBatchSeq':3,'inFlight':"
                + inFlight
                + ","
                + flightOps
                + ",'queued':[]}",
            "clientState.inFlight.baseRevision 3 is beyond clientState.revision 2"),
        arguments(
            "{"
                + head
                + ",'inFlight':{'clientId':'c','batchSeq':2,'baseRevision':3,"
                + "'operations':[]},'inFlightOperations':[],'queued':[]}",
            "clientState.inFlight.operations must not be empty"),
        arguments(
            "{" + ok + "," + flightOps + ",'queued':[],'outbox':[]}",
            "clientState.outbox is not a known field"),
        arguments("{" + ok + "," + flightOps + ",'queued':[]", "clientState is not valid JSON"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("malformedClientStates")
  void refuses_malformed_client_state(String json, String message) {
    assertThatThrownBy(() -> SyncCodec.clientStateFromJson(j(json)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining(message);
  }

  @Test
  void the_valid_base_of_the_client_state_refusals_is_accepted() {
    // Guards the table above: each refusal differs from this accepted state in one field.
    String json =
        j(
            "{'clientId':'c','revision':5,'nextBatchSeq':3,'inFlight':{'clientId':'c','batchSeq':2,"
                + "'baseRevision':3,'operations':[['ab'],[2,'c']]},"
                + "'inFlightOperations':[['ab'],[2,'c']],'queued':[[3,'d']]}");
    ClientState state = SyncCodec.clientStateFromJson(json);
    assertThat(state.inFlight().batchSeq()).isEqualTo(2);
    assertThat(state.queued()).containsExactly(TextOperation.splice(3, 3, 0, "d"));
    assertThat(SyncCodec.toJson(state)).isEqualTo(json);
  }

  @Test
  void the_valid_base_of_the_sequenced_batch_refusals_is_accepted() {
    String json =
        j(
            "{'firstRevision':5,'author':'a','timestamp':1,"
                + "'batch':{'clientId':'c','batchSeq':1,'baseRevision':4,'operations':[[2,'x']]}}");
    assertThat(SyncCodec.toJson(SyncCodec.sequencedBatchFromJson(json))).isEqualTo(json);
  }

  @Test
  void malformed_operations_keep_the_operation_codec_exception_as_cause() {
    assertThatThrownBy(
            () ->
                SyncCodec.batchFromJson(
                    j("{'clientId':'c','batchSeq':1,'baseRevision':0,'operations':[[0]]}")))
        .isInstanceOf(MalformedMessageException.class)
        .isInstanceOf(IllegalArgumentException.class)
        .hasCauseInstanceOf(dev.quire.ot.operation.MalformedOperationException.class);
  }

  @Test
  void null_arguments_are_programming_errors() {
    assertThatThrownBy(() -> SyncCodec.batchFromJson(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> SyncCodec.toJson((Batch) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> SyncCodec.batchFromTree(null))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("batch must be a JSON object, was nothing");
  }
}
