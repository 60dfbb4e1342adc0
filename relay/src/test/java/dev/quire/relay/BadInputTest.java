package dev.quire.relay;

import static dev.quire.relay.RelayFixture.append;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Reply;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireSequenced;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input gets its error code; the relay keeps serving another client, and the
 * stored history does not change. One relay serves all cases, as it would in production.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BadInputTest {
  @TempDir static Path dir;
  Relay relay;
  String aliceToken;
  String malloryToken;
  TestClient alice;
  long aliceSeq = 1;

  @BeforeAll
  void start() throws Exception {
    relay = RelayFixture.start(dir);
    aliceToken = relay.store().users().add("alice");
    malloryToken = relay.store().users().add("mallory");
    alice = TestClient.login(relay.port(), aliceToken, "ca");
    RelayFixture.create(alice, "doc");
    alice.send(new ClientMessage.Share("doc", "mallory", Role.EDITOR));
    alice.expect(ServerMessage.Shared.class);
    alice.send(new ClientMessage.Submit("doc", append("ca", aliceSeq++, 0, 0, "hello")));
    alice.expectAck();
  }

  @AfterAll
  void stop() {
    relay.close();
  }

  static String submit(String batchJson) {
    return "{\"type\":\"submit\",\"id\":\"b1\",\"doc\":\"doc\",\"batch\":" + batchJson + "}";
  }

  static String batch(String seq, String base, String ops) {
    return "{\"clientId\":\"cm\",\"batchSeq\":"
        + seq
        + ",\"baseRevision\":"
        + base
        + ",\"madeAt\":5,\"operations\":"
        + ops
        + "}";
  }

  /** A case: the error names the request {@code id}, {@code type} and {@code doc} it could read. */
  static Arguments bad(
      String name, String json, ErrorCode code, String id, String type, String doc) {
    return Arguments.of(name, json, code, id, type, doc);
  }

  static Arguments badSubmit(String name, String json, ErrorCode code) {
    return bad(name, json, code, "b1", "submit", "doc");
  }

  static Stream<Arguments> badMessages() {
    List<String> tooMany = new ArrayList<>();
    for (int i = 0; i < RelayFixture.TEST_LIMITS.maxBatchOperations() + 1; i++) {
      tooMany.add("[" + (5 + i) + ",\"x\"]");
    }
    return Stream.of(
        bad("malformed JSON", "{\"type\":", ErrorCode.MALFORMED, null, null, null),
        bad("not an object", "[\"submit\"]", ErrorCode.MALFORMED, null, null, null),
        bad(
            "unknown type",
            "{\"type\":\"teleport\",\"id\":\"b1\",\"doc\":\"doc\"}",
            ErrorCode.UNKNOWN_TYPE,
            "b1",
            null,
            "doc"),
        bad(
            "server type from a client",
            "{\"type\":\"ack\"}",
            ErrorCode.UNKNOWN_TYPE,
            null,
            null,
            null),
        bad(
            "no request id",
            "{\"type\":\"open\",\"doc\":\"doc\",\"fromRevision\":0}",
            ErrorCode.MALFORMED,
            null,
            "open",
            "doc"),
        bad(
            "request id not a string",
            "{\"type\":\"open\",\"id\":7,\"doc\":\"doc\",\"fromRevision\":0}",
            ErrorCode.MALFORMED,
            null,
            "open",
            "doc"),
        badSubmit(
            "number as string", submit(batch("\"1\"", "1", "[[5,\"x\"]]")), ErrorCode.MALFORMED),
        badSubmit("float revision", submit(batch("1", "1.5", "[[5,\"x\"]]")), ErrorCode.MALFORMED),
        badSubmit("batch seq 0", submit(batch("0", "1", "[[5,\"x\"]]")), ErrorCode.MALFORMED),
        bad(
            "null doc",
            "{\"type\":\"submit\",\"id\":\"b1\",\"doc\":null,\"batch\":"
                + batch("1", "1", "[[5]]")
                + "}",
            ErrorCode.MALFORMED,
            "b1",
            "submit",
            null),
        bad(
            "object as doc",
            "{\"type\":\"open\",\"id\":\"b1\",\"doc\":{},\"fromRevision\":0}",
            ErrorCode.MALFORMED,
            "b1",
            "open",
            null),
        bad(
            "missing field",
            "{\"type\":\"open\",\"id\":\"b1\",\"doc\":\"doc\"}",
            ErrorCode.MALFORMED,
            "b1",
            "open",
            "doc"),
        bad(
            "unknown field",
            "{\"type\":\"list\",\"id\":\"b1\",\"all\":true}",
            ErrorCode.MALFORMED,
            "b1",
            "list",
            null),
        bad(
            "presence without its colour",
            "{\"type\":\"presence\",\"id\":\"b1\",\"doc\":\"doc\",\"revision\":0,"
                + "\"selection\":{\"anchor\":0,\"head\":0},\"name\":\"M\"}",
            ErrorCode.MALFORMED,
            "b1",
            "presence",
            "doc"),
        badSubmit(
            "operation not an array",
            submit(batch("1", "1", "[{\"retain\":5}]")),
            ErrorCode.MALFORMED),
        badSubmit(
            "operation with a float",
            submit(batch("1", "1", "[[5.0,\"x\"]]")),
            ErrorCode.MALFORMED),
        badSubmit(
            "operations that do not chain",
            submit(batch("1", "1", "[[5,\"x\"],[5,\"y\"]]")),
            ErrorCode.MALFORMED),
        badSubmit(
            "operation that does not apply",
            submit(batch("1", "1", "[[99,\"x\"]]")),
            ErrorCode.OPERATION_MISMATCH),
        badSubmit(
            "base revision in the future",
            submit(batch("1", "1000000", "[[5,\"x\"]]")),
            ErrorCode.BASE_AHEAD),
        bad(
            "unknown document",
            "{\"type\":\"submit\",\"id\":\"b1\",\"doc\":\"nowhere\",\"batch\":"
                + batch("1", "0", "[[\"x\"]]")
                + "}",
            ErrorCode.UNKNOWN_DOCUMENT,
            "b1",
            "submit",
            "nowhere"),
        badSubmit(
            "oversized batch",
            submit(batch("1", "1", "[" + String.join(",", tooMany) + "]")),
            ErrorCode.BATCH_TOO_LARGE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badMessages")
  void badInput_getsItsErrorCode_namingWhatWasReadable_othersAreStillServed_andNothingIsStored(
      String name, String json, ErrorCode code, String id, String type, String doc)
      throws Exception {
    List<WireSequenced> before = RelayFixture.openAll(alice, "doc", 0);
    alice.send(new ClientMessage.Unsubscribe("doc"));
    alice.expect(ServerMessage.Unsubscribed.class);

    TestClient mallory = TestClient.login(relay.port(), malloryToken, "cm");
    mallory.send(json);
    Reply reply = mallory.nextReply();
    assertThat(reply.message()).isInstanceOf(ServerMessage.Error.class);
    ServerMessage.Error e = (ServerMessage.Error) reply.message();
    assertThat(e.code()).as(e.message()).isEqualTo(code);
    assertThat(e.message()).isNotBlank();
    assertThat(reply.id()).as("the request id").isEqualTo(id);
    assertThat(e.request()).as("the request type").isEqualTo(type);
    assertThat(e.doc()).as("the document").isEqualTo(doc);
    assertThat(mallory.isOpen()).isTrue(); // these errors do not close the connection
    mallory.closeBlocking();

    assertThat(RelayFixture.openAll(alice, "doc", 0)).isEqualTo(before);
    alice.send(new ClientMessage.Unsubscribe("doc"));
    alice.expect(ServerMessage.Unsubscribed.class);
    long head = before.get(before.size() - 1).lastRevision();
    int length = 5 + (int) head - 1;
    alice.send(new ClientMessage.Submit("doc", append("ca", aliceSeq++, head, length, "!")));
    assertThat(alice.expectAck().firstRevision()).isEqualTo(head + 1);
  }

  @ParameterizedTest(name = "binary frame")
  @MethodSource("binary")
  void binaryMessage_isMalformed(byte[] bytes) throws Exception {
    TestClient mallory = TestClient.login(relay.port(), malloryToken, "cm");
    mallory.send(bytes);
    mallory.expectError(ErrorCode.MALFORMED);
  }

  static Stream<byte[]> binary() {
    return Stream.of(new byte[] {1, 2, 3});
  }
}
