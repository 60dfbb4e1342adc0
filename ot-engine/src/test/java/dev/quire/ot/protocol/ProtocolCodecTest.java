package dev.quire.ot.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.codec.MalformedMessageException;
import dev.quire.ot.cursor.Selection;
import dev.quire.ot.history.Ed25519;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.SequencedBatch;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProtocolCodecTest {

  private static final WireBatch BATCH =
      WireBatch.of(
          new Batch(
              "c1",
              3,
              0,
              List.of(
                  TextOperation.builder().insert("h😀").build(),
                  TextOperation.splice(2, 2, 0, "!"))),
          1_000L);

  private static final String KEY = Ed25519.publicKey(Ed25519.generate());
  private static final String X25519 = java.util.Base64.getEncoder().encodeToString(new byte[32]);
  private static final DeviceKeys DEVICE_KEYS = new DeviceKeys(KEY, X25519);
  private static final KeyEnvelope ENVELOPE = new KeyEnvelope(2, "bob", "desk-11", "c2VhbGVk");

  static Stream<ClientMessage> clientMessages() {
    return Stream.of(
        new ClientMessage.Hello(1, "tok", "c1"),
        new ClientMessage.Create("notes-1", "Notes"),
        new ClientMessage.Create(null, "Untitled"),
        new ClientMessage.Create("secret-1", "Secret", true),
        new ClientMessage.RegisterDevice(DEVICE_KEYS),
        new ClientMessage.Devices("d"),
        new ClientMessage.UserDevices(),
        new ClientMessage.RevokeDevice("laptop-7f3a"),
        new ClientMessage.Keys("d"),
        new ClientMessage.Seal("d", 2, false, List.of(ENVELOPE)),
        new ClientMessage.Seal("d", 2, true, List.of(ENVELOPE, ENVELOPE)),
        new ClientMessage.Seal("d", 1, false, List.of()),
        new ClientMessage.ListDocuments(),
        new ClientMessage.ListDocuments("after-this"),
        new ClientMessage.Rename("d", "New title"),
        new ClientMessage.Delete("d"),
        new ClientMessage.Trash(null),
        new ClientMessage.Trash("after-this"),
        new ClientMessage.Restore("d"),
        new ClientMessage.Purge("d"),
        new ClientMessage.EmptyTrash(),
        new ClientMessage.Share("d", "bob", Role.VIEWER),
        new ClientMessage.Share("d", "bob", null),
        new ClientMessage.Open("d", 17, false),
        new ClientMessage.Unsubscribe("d"),
        new ClientMessage.Members("d"),
        new ClientMessage.Signatures("d", 0),
        new ClientMessage.Signatures("d", 2000),
        new ClientMessage.Submit("d", BATCH),
        new ClientMessage.Presence("d", 4, new Selection(1, 3), "Alice", "#a0b1c2"));
  }

  static Stream<ServerMessage> serverMessages() {
    WireSequenced seq = new WireSequenced(5, "alice", 1_700_000_000_000L, BATCH);
    DocumentInfo info = new DocumentInfo("d", "T", 1, 7, 2, Role.EDITOR);
    return Stream.of(
        new ServerMessage.Welcome(
            1, "alice", "s1", false, new Limits(1000, 10, 100, 50, 100), "fake-relay"),
        new ServerMessage.Welcome(
            5, "alice", "s1", true, new Limits(1000, 10, 100, 50, 100), "fake-relay", KEY),
        new ServerMessage.Signatures(
            "d",
            KEY,
            1000,
            List.of(
                new RelaySignature(1000, "ab".repeat(32), "cd".repeat(32), "c2ln"),
                new RelaySignature(1412, "ef".repeat(32), null, "c2ln")),
            true),
        new ServerMessage.Signatures("d", KEY, 1, List.of(), false),
        ServerMessage.Error.of(ErrorCode.BASE_AHEAD, "too far", "d", "submit"),
        ServerMessage.Error.of(ErrorCode.MALFORMED, "bad", null, null),
        new ServerMessage.Created(info),
        new ServerMessage.Created(new DocumentInfo("d", "T", 1, 7, 2, Role.OWNER, true)),
        new ServerMessage.DeviceRegistered("alice", "laptop-7f3a", DEVICE_KEYS),
        new ServerMessage.Devices(
            "d",
            3,
            List.of(
                new Device("alice", "laptop-7f3a", DEVICE_KEYS, true, true),
                new Device("bob", "desk-11", DEVICE_KEYS, false, false))),
        new ServerMessage.Devices("d", 1, List.of()),
        new ServerMessage.Devices("d", 2, List.of(), true),
        new ServerMessage.UserDevices(
            List.of(new UserDevice("desk-11", 1_795_000_000_000L), new UserDevice("l", 0))),
        new ServerMessage.UserDevices(List.of()),
        new ServerMessage.DeviceRevoked("laptop-7f3a", 3),
        ServerMessage.Error.of(ErrorCode.DEVICE_REVOKED, "revoked", null, null),
        new ServerMessage.Keys("d", 2, List.of(ENVELOPE, new KeyEnvelope(1, "a", "c", "eA=="))),
        new ServerMessage.Sealed("d", 4),
        ServerMessage.Error.of(ErrorCode.STALE_EPOCH, "epoch 2 is current", "d", "submit"),
        new ServerMessage.Available(info),
        new ServerMessage.Unavailable("d"),
        new ServerMessage.Documents(List.of(info, info)),
        new ServerMessage.Documents(List.of(info), false),
        new ServerMessage.Renamed("d", "T2"),
        new ServerMessage.Members(
            "d", List.of(new Member("alice", Role.OWNER), new Member("bob", Role.VIEWER))),
        new ServerMessage.Members("d", List.of()),
        new ServerMessage.Deleted("d"),
        new ServerMessage.Trash(
            List.of(new TrashedDocument("d", "T 😀", 7, 1_000, 2_592_001_000L)), true),
        new ServerMessage.Trash(List.of(new TrashedDocument("e", "E", 0, 5, 6)), false),
        new ServerMessage.Trash(List.of(), true),
        new ServerMessage.Restored(info),
        new ServerMessage.Purged("d"),
        new ServerMessage.TrashEmptied(3),
        new ServerMessage.Shared("d", "bob", Role.EDITOR),
        new ServerMessage.Shared("d", "bob", null),
        new ServerMessage.Snapshot("d", 100, "text 😀"),
        new ServerMessage.History("d", List.of(seq), 6, true),
        new ServerMessage.Sequenced("d", seq),
        new ServerMessage.Sequenced(
            "d", List.of(seq, new WireSequenced(7, "bob", 1_700_000_000_001L, BATCH))),
        new ServerMessage.Ack("d", 3, 5, 99),
        new ServerMessage.PresenceOf("d", "s2", "bob", 3, Selection.caret(2), "Bob", "#000000"),
        new ServerMessage.Leave("d", "s2", "bob"),
        new ServerMessage.Unsubscribed("d"));
  }

  @ParameterizedTest
  @MethodSource("clientMessages")
  void clientMessage_roundTrips(ClientMessage m) {
    Request r = new Request("r-17", m);
    String json = ProtocolCodec.encode(r);
    assertThat(json).startsWith("{\"type\":\"" + m.type() + "\",\"id\":\"r-17\"");
    assertThat(ProtocolCodec.decodeRequest(json)).isEqualTo(r);
    assertThat(MessageReader.streamRequest(json)).as("read in one streaming pass").isEqualTo(r);
  }

  @ParameterizedTest
  @MethodSource("serverMessages")
  void serverMessage_roundTrips(ServerMessage m) {
    assertThat(ProtocolCodec.decodeReply(ProtocolCodec.encode(m))).isEqualTo(new Reply(null, m));
    Reply answer = new Reply("7", m);
    assertThat(ProtocolCodec.decodeReply(ProtocolCodec.encode(answer))).isEqualTo(answer);
    assertThat(MessageReader.streamReply(ProtocolCodec.encode(answer)))
        .as("read in one streaming pass")
        .isEqualTo(answer);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":\"list\"}",
        "{\"type\":\"list\",\"id\":7}",
        "{\"type\":\"list\",\"id\":\"\"}",
        "{\"type\":\"list\",\"id\":null}",
        "{\"type\":\"open\",\"doc\":\"d\",\"fromRevision\":0,\"id\":\"x\",\"id\":\"y\"}"
      })
  void decodeRequest_refusesAMissingOrBadId(String json) {
    assertThatThrownBy(() -> ProtocolCodec.decodeRequest(json))
        .isInstanceOf(MalformedMessageException.class);
  }

  @Test
  void decodeRequest_refusesAnIdOverItsLimit() {
    String id = "x".repeat(Ids.MAX_REQUEST_ID + 1);
    assertThatThrownBy(
            () -> ProtocolCodec.decodeRequest("{\"type\":\"list\",\"id\":\"" + id + "\"}"))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("id must be at most 64");
  }

  @Test
  void sequencedAndHistory_areWrittenAsDocsProtocolShowsThem_operationsAsSent() {
    WireBatch batch =
        new WireBatch("c\"1", 3, 4, List.of("[\"a\\u00e9\",4]", "[1,\"\"]"), 1_699_999_999_000L);
    WireSequenced first = new WireSequenced(5, "alice", 1_700_000_000_000L, batch);
    WireSequenced next = new WireSequenced(7, "alice", 1_700_000_000_000L, batch);
    String ops = "\"operations\":[[\"a\\u00e9\",4],[1,\"\"]],\"madeAt\":1699999999000}}";
    String body =
        "\"author\":\"alice\",\"timestamp\":1700000000000,\"batch\":"
            + "{\"clientId\":\"c\\\"1\",\"batchSeq\":3,\"baseRevision\":4,"
            + ops;
    String entry5 = "{\"firstRevision\":5," + body;
    String entry7 = "{\"firstRevision\":7," + body;
    assertThat(ProtocolCodec.encode(new ServerMessage.Sequenced("d", List.of(first, next))))
        .isEqualTo(
            "{\"type\":\"sequenced\",\"doc\":\"d\",\"batches\":[" + entry5 + "," + entry7 + "]}");
    assertThat(ProtocolCodec.encode(new ServerMessage.History("d", List.of(first), 6, false), "r1"))
        .isEqualTo(
            "{\"type\":\"history\",\"id\":\"r1\",\"doc\":\"d\",\"batches\":["
                + entry5
                + "],\"head\":6,\"complete\":false}");
    assertThat(ProtocolCodec.encode(new ServerMessage.History("d", List.of(), 0, true)))
        .isEqualTo(
            "{\"type\":\"history\",\"doc\":\"d\",\"batches\":[],\"head\":0,\"complete\":true}");
  }

  @Test
  void peekRequest_readsWhatIsReadableOfABrokenRequest() {
    // batchSeq 0 is refused; the id and the document are still named in the refusal
    String json =
        "{\"type\":\"submit\",\"id\":\"r9\",\"doc\":\"notes\",\"batch\":{\"clientId\":\"c\","
            + "\"batchSeq\":0,\"baseRevision\":0,\"madeAt\":5,\"operations\":[[\"a\"]]}}";
    assertThatThrownBy(() -> ProtocolCodec.decodeRequest(json))
        .isInstanceOf(MalformedMessageException.class);
    assertThat(ProtocolCodec.peekRequest(json))
        .isEqualTo(new RequestHeader("r9", "submit", "notes"));
    assertThat(ProtocolCodec.peekRequest("{\"doc\":\"bad id!\",\"id\":\"a\",\"type\":\"fly\"}"))
        .isEqualTo(new RequestHeader("a", null, null));
    assertThat(ProtocolCodec.peekRequest("{\"id\":\"a\",\"doc\":\"d\",\"batch\":{\"x\":"))
        .isEqualTo(new RequestHeader("a", null, "d"));
    assertThat(ProtocolCodec.peekRequest("not json")).isEqualTo(RequestHeader.NONE);
  }

  @Test
  void submit_keepsOperationsAsTextAndReadsThemOnRequest() {
    ClientMessage.Submit s =
        (ClientMessage.Submit)
            ProtocolCodec.decodeRequest(
                    "{\"type\":\"submit\",\"id\":\"1\",\"doc\":\"d\",\"batch\":{\"clientId\":\"c\","
                        + "\"batchSeq\":1,\"baseRevision\":0,\"madeAt\":5,\"operations\":[[\"ab\"], [1, 2, \"x\"]]}}")
                .message();
    assertThat(s.batch().operations()).containsExactly("[\"ab\"]", "[1,2,\"x\"]");
    assertThatThrownBy(() -> s.batch().toBatch())
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("batch.operations");
  }

  @Test
  void submit_opaqueOperationsNeedNotBeOperations() {
    ClientMessage.Submit s =
        (ClientMessage.Submit)
            ProtocolCodec.decodeRequest(
                    "{\"type\":\"submit\",\"id\":\"1\",\"doc\":\"d\",\"batch\":{\"clientId\":\"c\","
                        + "\"batchSeq\":1,\"baseRevision\":0,\"madeAt\":5,\"operations\":[\"c2VjcmV0\", {\"k\": 1}]}}")
                .message();
    assertThat(s.batch().operations()).containsExactly("\"c2VjcmV0\"", "{\"k\":1}");
    assertThat(ProtocolCodec.encode("1", s)).contains("\"operations\":[\"c2VjcmV0\",{\"k\":1}]");
  }

  @Test
  void madeAt_travelsWithTheBatchBothWays() {
    String submit = ProtocolCodec.encode("r", new ClientMessage.Submit("d", BATCH));
    assertThat(submit).contains("\"madeAt\":1000");
    SequencedBatch sent =
        new SequencedBatch(
            5,
            "alice",
            1_700_000_000_000L,
            1_600_000_000_000L,
            new Batch("c1", 1, 0, List.of(TextOperation.builder().insert("x").build())));
    String json = ProtocolCodec.encode(new ServerMessage.Sequenced("d", WireSequenced.of(sent)));
    ServerMessage.Sequenced back = (ServerMessage.Sequenced) ProtocolCodec.decodeServer(json);
    assertThat(back.batches().get(0).batch().madeAt()).isEqualTo(1_600_000_000_000L);
    assertThat(back.batches().get(0).toSequencedBatch()).isEqualTo(sent);
  }

  @Test
  void upload_andUploaded_travelBothWays_andAnUploadsBatchesMustFollowEachOther() {
    WireSequenced first = new WireSequenced(1, "alice", 9, BATCH.withMadeAt(5));
    ClientMessage.Upload up =
        new ClientMessage.Upload(
            "d", "Notes", 3, 7, List.of(new Member("bob", Role.EDITOR)), List.of(first));
    Request read = ProtocolCodec.decodeRequest(ProtocolCodec.encode("r1", up));
    assertThat(read.message()).isEqualTo(up);
    assertThat(ProtocolCodec.encode("r1", up)).doesNotContain("encrypted"); // left out: false
    ClientMessage.Upload sealed =
        new ClientMessage.Upload("d", "Notes", 3, 7, List.of(), List.of(first), true);
    String sealedJson = ProtocolCodec.encode("r1", sealed);
    assertThat(sealedJson).contains("\"encrypted\":true");
    assertThat(ProtocolCodec.decodeRequest(sealedJson).message()).isEqualTo(sealed);
    assertThatThrownBy(
            () ->
                ProtocolCodec.decodeRequest(
                    sealedJson.replace("\"encrypted\":true", "\"encrypted\":\"yes\"")))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("upload.encrypted");
    ServerMessage.Uploaded done = new ServerMessage.Uploaded("d", 7, true);
    assertThat(ProtocolCodec.decodeReply(ProtocolCodec.encode(done, "r1")).message())
        .isEqualTo(done);

    String holed =
        ProtocolCodec.encode("r2", up)
            .replace("\"batches\":[", "\"batches\":[" + sequencedJson(1) + ",");
    assertThatThrownBy(() -> ProtocolCodec.decodeRequest(holed))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("follow each other");
  }

  @Test
  void devices_carriesRotationDueOnlyWhenTrue_andAnAnswerWithoutItHasNoneDue() {
    ServerMessage.Devices none = new ServerMessage.Devices("d", 2, List.of());
    String plain = ProtocolCodec.encode(none, "r1");
    assertThat(plain).doesNotContain("rotationDue"); // left out: false (a version 7 answer)
    assertThat(((ServerMessage.Devices) ProtocolCodec.decodeServer(plain)).rotationDue()).isFalse();
    String due = ProtocolCodec.encode(new ServerMessage.Devices("d", 2, List.of(), true), "r1");
    assertThat(due).contains("\"rotationDue\":true");
    assertThat(((ServerMessage.Devices) ProtocolCodec.decodeServer(due)).rotationDue()).isTrue();
    assertThatThrownBy(
            () ->
                ProtocolCodec.decodeServer(
                    due.replace("\"rotationDue\":true", "\"rotationDue\":1")))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("devices.rotationDue");
  }

  private static String sequencedJson(long firstRevision) {
    return "{\"firstRevision\":"
        + firstRevision
        + ",\"author\":\"a\",\"timestamp\":1,\"batch\":{\"clientId\":\"c\",\"batchSeq\":1,"
        + "\"baseRevision\":0,\"operations\":[[\"x\"]],\"madeAt\":1}}";
  }

  @Test
  void wireBatch_readsBackTheEngineBatch() {
    assertThat(BATCH.toBatch().operations()).hasSize(2);
    SequencedBatch sb = new SequencedBatch(4, "a", 9, BATCH.toBatch());
    assertThat(WireSequenced.of(sb).toSequencedBatch()).isEqualTo(sb);
  }

  static Stream<Arguments> badClientMessages() {
    return Stream.of(
        Arguments.of("not json", "not valid JSON"),
        Arguments.of("[1]", "must be a JSON object"),
        Arguments.of("{\"type\":\"list\"} {}", "not valid JSON"),
        Arguments.of("{}", "message.type is missing"),
        Arguments.of("{\"type\":7}", "message.type must be a string"),
        Arguments.of("{\"type\":\"list\",\"extra\":1}", "list.extra is not a known field"),
        Arguments.of("{\"type\":\"list\",\"type\":\"list\"}", "not valid JSON"),
        Arguments.of(
            "{\"type\":\"hello\",\"protocol\":\"1\",\"token\":\"t\",\"clientId\":\"c\"}",
            "hello.protocol must be an integer, was a string"),
        Arguments.of(
            "{\"type\":\"hello\",\"protocol\":1.0,\"token\":\"t\",\"clientId\":\"c\"}",
            "hello.protocol must be an integer"),
        Arguments.of(
            "{\"type\":\"hello\",\"protocol\":1,\"token\":null,\"clientId\":\"c\"}",
            "hello.token must not be null"),
        Arguments.of(
            "{\"type\":\"hello\",\"protocol\":1,\"token\":{},\"clientId\":\"c\"}",
            "hello.token must be a string, was an object"),
        Arguments.of(
            "{\"type\":\"hello\",\"protocol\":1,\"token\":\"t\"}", "hello.clientId is missing"),
        Arguments.of(
            "{\"type\":\"hello\",\"protocol\":1,\"token\":\"t\",\"clientId\":\" \"}",
            "clientId must not be blank"),
        Arguments.of("{\"type\":\"create\",\"doc\":\"bad id!\",\"title\":\"t\"}", "document id"),
        Arguments.of(
            "{\"type\":\"create\",\"doc\":null,\"title\":\"t\"}", "create.doc must not be null"),
        Arguments.of("{\"type\":\"create\",\"title\":\"\"}", "title must not be blank"),
        Arguments.of(
            "{\"type\":\"create\",\"title\":\"t\",\"encrypted\":1}",
            "create.encrypted must be true or false"),
        Arguments.of(
            "{\"type\":\"device\",\"signingKey\":\"abc\",\"agreementKey\":\"" + X25519 + "\"}",
            "signingKey must be an Ed25519 public key"),
        Arguments.of(
            "{\"type\":\"device\",\"signingKey\":\"" + KEY + "\",\"agreementKey\":\"AAAA\"}",
            "agreementKey must be a 32-byte X25519 public key"),
        Arguments.of(
            "{\"type\":\"device\",\"signingKey\":\"" + KEY + "\"}", "agreementKey is missing"),
        Arguments.of("{\"type\":\"keys\"}", "keys.doc is missing"),
        Arguments.of(
            "{\"type\":\"seal\",\"doc\":\"d\",\"epoch\":0,\"envelopes\":[]}",
            "seal.epoch must be at least 1"),
        Arguments.of(
            "{\"type\":\"seal\",\"doc\":\"d\",\"epoch\":2,\"envelopes\":[{\"epoch\":1,"
                + "\"user\":\"bob\",\"clientId\":\"c\",\"envelope\":\"eA==\"}]}",
            "every envelope must be of epoch 2"),
        Arguments.of(
            "{\"type\":\"seal\",\"doc\":\"d\",\"epoch\":1,\"envelopes\":[{\"epoch\":1,"
                + "\"user\":\"bob\",\"clientId\":\"c\",\"envelope\":\"not base64!\"}]}",
            "envelope is not base64"),
        Arguments.of(
            "{\"type\":\"seal\",\"doc\":\"d\",\"epoch\":1,\"rotate\":\"yes\",\"envelopes\":[]}",
            "seal.rotate must be true or false"),
        Arguments.of("{\"type\":\"open\",\"doc\":\"d\",\"fromRevision\":-1}", "at least 0"),
        Arguments.of(
            "{\"type\":\"open\",\"doc\":\"d\",\"fromRevision\":99999999999999999999}",
            "out of range"),
        Arguments.of(
            "{\"type\":\"open\",\"doc\":\"d\",\"fromRevision\":0,\"snapshot\":\"yes\"}",
            "open.snapshot must be true or false"),
        Arguments.of(
            "{\"type\":\"share\",\"doc\":\"d\",\"user\":\"bob\",\"role\":\"owner\"}",
            "role must be editor, viewer or none"),
        Arguments.of(
            "{\"type\":\"share\",\"doc\":\"d\",\"user\":\"bob\",\"role\":\"admin\"}",
            "share.role must be one of"),
        Arguments.of(
            "{\"type\":\"submit\",\"doc\":\"d\",\"batch\":[]}",
            "submit.batch must be a JSON object"),
        Arguments.of(
            "{\"type\":\"submit\",\"doc\":\"d\",\"batch\":{\"clientId\":\"c\",\"batchSeq\":0,"
                + "\"baseRevision\":0,\"madeAt\":5,\"operations\":[[\"a\"]]}}",
            "submit.batch.batchSeq must be at least 1"),
        Arguments.of(
            "{\"type\":\"submit\",\"doc\":\"d\",\"batch\":{\"clientId\":\"c\",\"batchSeq\":1,"
                + "\"baseRevision\":0,\"madeAt\":5,\"operations\":[]}}",
            "submit.batch.operations must not be empty"),
        Arguments.of(
            "{\"type\":\"submit\",\"doc\":\"d\",\"batch\":{\"clientId\":\"c\",\"batchSeq\":1,"
                + "\"baseRevision\":0,\"madeAt\":5,\"operations\":\"x\"}}",
            "submit.batch.operations must be an array"),
        Arguments.of(
            "{\"type\":\"submit\",\"doc\":\"d\",\"batch\":{\"clientId\":\"c\",\"batchSeq\":1,"
                + "\"baseRevision\":0,\"operations\":[[\"a\"]]}}",
            "submit.batch.madeAt is missing"),
        Arguments.of(
            "{\"type\":\"submit\",\"doc\":\"d\",\"batch\":{\"clientId\":\"c\",\"batchSeq\":1,"
                + "\"baseRevision\":0,\"madeAt\":-1,\"operations\":[[\"a\"]]}}",
            "submit.batch.madeAt must be at least 0"),
        Arguments.of(
            "{\"type\":\"submit\",\"doc\":\"d\",\"batch\":{\"clientId\":\"c\",\"batchSeq\":1,"
                + "\"baseRevision\":0,\"madeAt\":\"5\",\"operations\":[[\"a\"]]}}",
            "submit.batch.madeAt must be"),
        Arguments.of(
            "{\"type\":\"presence\",\"doc\":\"d\",\"revision\":0,\"selection\":{\"anchor\":1},"
                + "\"name\":\"n\",\"colour\":\"#000000\"}",
            "presence.selection.head is missing"),
        Arguments.of(
            "{\"type\":\"presence\",\"doc\":\"d\",\"revision\":0,"
                + "\"selection\":{\"anchor\":1,\"head\":1},\"name\":\"n\",\"colour\":\"red\"}",
            "colour"));
  }

  @ParameterizedTest
  @MethodSource("badClientMessages")
  void decodeRequest_refusesWithThePath(String json, String expected) {
    assertThatThrownBy(() -> ProtocolCodec.decodeRequest(withId(json)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"type\":\"fly\"}", "{\"type\":\"welcome\"}", "{\"type\":\"\"}"})
  void decodeRequest_unknownTypeIsItsOwnException(String json) {
    assertThatThrownBy(() -> ProtocolCodec.decodeRequest(json))
        .isInstanceOf(UnknownTypeException.class);
  }

  @Test
  void unusualButValidText_isReadToTheSameMessage() {
    // type last: the streaming pass gives up, the tree reads it
    String typeLast = "{\"doc\":\"d\",\"id\":\"r\",\"type\":\"delete\"}";
    assertThat(MessageReader.streamRequest(typeLast)).isNull();
    assertThat(ProtocolCodec.decodeRequest(typeLast))
        .isEqualTo(new Request("r", new ClientMessage.Delete("d")));
    // spaces and upper-case escapes: streamed, each operation kept in the codec's compact form
    String spaced =
        "{ \"type\" : \"submit\", \"id\" : \"s\", \"doc\" : \"d\", \"batch\" : {"
            + " \"clientId\" : \"c\", \"batchSeq\" : 1, \"baseRevision\" : 0, \"madeAt\" : 5,"
            + " \"operations\" : [ [ 1 , \"\\u000B\" ] ] } }";
    Request streamed = MessageReader.streamRequest(spaced);
    assertThat(streamed).isEqualTo(MessageReader.requestFromTree(spaced));
    assertThat(((ClientMessage.Submit) streamed.message()).batch().operations())
        .containsExactly("[1,\"\\u000b\"]");
  }

  @Test
  void open_withoutSnapshot_doesNotAllowOne() {
    assertThat(
            ProtocolCodec.decodeRequest(
                "{\"type\":\"open\",\"id\":\"o\",\"doc\":\"d\",\"fromRevision\":3}"))
        .isEqualTo(new Request("o", new ClientMessage.Open("d", 3, false)));
  }

  /** {@code json} with a request id after its type, when it starts with a string type. */
  private static String withId(String json) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("^\\{\"type\":\"[a-z]+\"").matcher(json);
    return m.find() ? m.group() + ",\"id\":\"r1\"" + json.substring(m.end()) : json;
  }

  static Stream<Arguments> badServerMessages() {
    String limits =
        "{\"maxMessageBytes\":1,\"maxBatchOperations\":1,\"pageSize\":1,"
            + "\"ratePerSecond\":1,\"rateBurst\":1}";
    return Stream.of(
        Arguments.of(
            "{\"type\":\"welcome\",\"protocol\":1,\"user\":\"a\",\"session\":\"s\","
                + "\"mode\":\"secret\",\"limits\":"
                + limits
                + "}",
            "welcome.mode"),
        Arguments.of(
            "{\"type\":\"welcome\",\"protocol\":1,\"user\":\"a\",\"session\":\"s\","
                + "\"mode\":\"opaque\",\"limits\":{}}",
            "welcome.limits.maxMessageBytes is missing"),
        Arguments.of(
            "{\"type\":\"welcome\",\"protocol\":6,\"user\":\"a\",\"session\":\"s\","
                + "\"mode\":\"opaque\",\"limits\":"
                + limits
                + "}",
            "welcome.relay is missing"),
        Arguments.of(
            "{\"type\":\"members\",\"doc\":\"d\",\"members\":[{\"user\":\"bob\",\"role\":\"none\"}]}",
            "members.members[0].role"),
        Arguments.of(
            "{\"type\":\"members\",\"doc\":\"d\",\"members\":[{\"role\":\"owner\"}]}",
            "members.members[0].user is missing"),
        Arguments.of(
            "{\"type\":\"trash\",\"documents\":[{\"doc\":\"d\",\"title\":\"T\",\"head\":1,"
                + "\"deleted\":5}],\"complete\":true}",
            "trash.documents[0].purgeAt is missing"),
        Arguments.of("{\"type\":\"trashEmptied\",\"purged\":-1}", "trashEmptied.purged"),
        Arguments.of(
            "{\"type\":\"error\",\"code\":\"OOPS\",\"message\":\"m\",\"retry\":false}",
            "not a known code"),
        Arguments.of(
            "{\"type\":\"ack\",\"doc\":\"d\",\"batchSeq\":1,\"firstRevision\":0,"
                + "\"timestamp\":1}",
            "ack.firstRevision must be at least 1"),
        Arguments.of(
            "{\"type\":\"history\",\"doc\":\"d\",\"head\":1,\"complete\":true,\"batches\":"
                + "[{\"firstRevision\":1,\"author\":\"a\",\"timestamp\":1,\"batch\":"
                + "{\"clientId\":\"c\",\"batchSeq\":1,\"baseRevision\":1,\"madeAt\":5,"
                + "\"operations\":[[\"x\"]]}}]}",
            "must precede"),
        Arguments.of(
            "{\"type\":\"sequenced\",\"doc\":\"d\",\"batches\":["
                + "{\"firstRevision\":1,\"author\":\"a\",\"timestamp\":1,\"batch\":"
                + "{\"clientId\":\"c\",\"batchSeq\":1,\"baseRevision\":0,\"operations\":[[\"x\"]]}}]}",
            "sequenced.batches[0].batch.madeAt is missing"),
        Arguments.of("{\"type\":\"sequenced\",\"doc\":\"d\",\"batches\":[]}", "without batches"),
        Arguments.of(
            "{\"type\":\"sequenced\",\"doc\":\"d\",\"batches\":["
                + "{\"firstRevision\":1,\"author\":\"a\",\"timestamp\":1,\"batch\":"
                + "{\"clientId\":\"c\",\"batchSeq\":1,\"baseRevision\":0,\"madeAt\":5,\"operations\":[[\"x\"]]}},"
                + "{\"firstRevision\":3,\"author\":\"a\",\"timestamp\":1,\"batch\":"
                + "{\"clientId\":\"c\",\"batchSeq\":2,\"baseRevision\":1,\"madeAt\":5,\"operations\":[[1,\"y\"]]}}]}",
            "revision 3 after 1"),
        Arguments.of(
            "{\"type\":\"sequenced\",\"doc\":\"d\",\"sequenced\":{}}",
            "sequenced.sequenced is not a known field"),
        Arguments.of(
            "{\"type\":\"documents\",\"documents\":[{\"doc\":\"d\",\"title\":\"t\","
                + "\"created\":1,\"head\":0,\"lastChange\":1,\"role\":\"none\"}],\"complete\":true}",
            "documents.documents[0].role"),
        Arguments.of(
            "{\"type\":\"available\",\"document\":{\"doc\":\"d\",\"title\":\"t\","
                + "\"created\":1,\"head\":0,\"lastChange\":1,\"role\":\"none\"}}",
            "available.document.role"),
        Arguments.of("{\"type\":\"available\"}", "available.document is missing"),
        Arguments.of(
            "{\"type\":\"unavailable\",\"doc\":\"d\",\"role\":\"viewer\"}",
            "unavailable.role is not a known field"),
        Arguments.of("{\"type\":\"unavailable\",\"doc\":\"bad id!\"}", "unavailable"),
        Arguments.of(
            "{\"type\":\"signatures\",\"doc\":\"d\",\"key\":\"AAAA\",\"interval\":5,\"signatures\":[],"
                + "\"complete\":true}",
            "key must be an Ed25519 public key"),
        Arguments.of(
            "{\"type\":\"signatures\",\"doc\":\"d\",\"key\":\""
                + KEY
                + "\",\"interval\":5,\"signatures\":[{\"revision\":5,\"chain\":\"AB\",\"signature\":\"x\"}],"
                + "\"complete\":true}",
            "chain must be 64 lower-case hex digits"));
  }

  @ParameterizedTest
  @MethodSource("badServerMessages")
  void decodeServer_isAsStrict(String json, String expected) {
    assertThatThrownBy(() -> ProtocolCodec.decodeServer(json))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining(expected);
  }

  @Test
  void ids_refuseWhatTheProtocolDoesNotAllow() {
    assertThatThrownBy(() -> Ids.requireDocumentId("-lead")).hasMessageContaining("document id");
    assertThatThrownBy(() -> Ids.requireDocumentId("a".repeat(65)))
        .hasMessageContaining("document id");
    assertThatThrownBy(() -> Ids.requireUserName("Alice")).hasMessageContaining("user name");
    assertThatThrownBy(() -> Ids.requireTitle("x".repeat(201))).hasMessageContaining("at most 200");
    assertThatThrownBy(() -> Ids.requireTitle("bad \uD800")).hasMessageContaining("title");
    assertThat(Ids.requireDocumentId("notes_2026-11.v2")).isEqualTo("notes_2026-11.v2");
  }

  @Test
  void hello_toStringHidesTheToken() {
    assertThat(new ClientMessage.Hello(1, "secret-token", "c").toString())
        .doesNotContain("secret-token");
  }

  @Test
  void errorCodes_sayWhetherRetryHelps() {
    assertThat(ErrorCode.RATE_LIMITED.retry()).isTrue();
    assertThat(ErrorCode.OPERATION_MISMATCH.retry()).isFalse();
    assertThat(ErrorCode.UNAUTHORIZED.closes()).isTrue();
  }
}
