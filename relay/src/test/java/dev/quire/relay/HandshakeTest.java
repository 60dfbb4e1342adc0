package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.Reply;
import dev.quire.ot.protocol.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.java_websocket.framing.CloseFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HandshakeTest {
  @TempDir Path dir;
  Relay relay;
  String aliceToken;

  @BeforeEach
  void start() {
    relay = RelayFixture.start(dir);
    aliceToken = relay.store().users().add("alice");
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  @Test
  void hello_withValidToken_isWelcomedWithUserSessionAndLimits() throws Exception {
    TestClient c = TestClient.connect(relay.port());
    c.send(new ClientMessage.Hello(ProtocolCodec.VERSION, aliceToken, "c1"));
    ServerMessage.Welcome w = c.expect(ServerMessage.Welcome.class);
    assertThat(w.user()).isEqualTo("alice");
    assertThat(w.protocol()).isEqualTo(ProtocolCodec.VERSION);
    assertThat(w.relay()).isEqualTo(relay.store().identity()); // the storage's, for every client
    assertThat(java.util.UUID.fromString(w.relay()).toString()).isEqualTo(w.relay());
    assertThat(w.session()).isNotBlank();
    assertThat(w.opaque()).isFalse();
    assertThat(w.limits()).isEqualTo(RelayFixture.TEST_LIMITS);
    c.closeBlocking();
  }

  @Test
  void hello_withUnknownToken_isRefusedAndClosed() throws Exception {
    TestClient c = TestClient.connect(relay.port());
    c.send(new ClientMessage.Hello(ProtocolCodec.VERSION, "not-a-token", "c1"));
    c.expectError(ErrorCode.UNAUTHORIZED);
    assertThat(c.awaitClosed()).isTrue();
    assertThat(c.closeCode).isEqualTo(CloseFrame.POLICY_VALIDATION);
    assertThat(c.closeReason).startsWith("UNAUTHORIZED");
  }

  @Test
  void hello_withRevokedToken_isRefused() throws Exception {
    relay.store().users().revoke("alice");
    TestClient c = TestClient.connect(relay.port());
    c.send(new ClientMessage.Hello(ProtocolCodec.VERSION, aliceToken, "c1"));
    c.expectError(ErrorCode.UNAUTHORIZED);
    assertThat(c.awaitClosed()).isTrue();
  }

  @Test
  void hello_withOtherProtocolVersion_isRefusedAndClosed() throws Exception {
    TestClient c = TestClient.connect(relay.port());
    c.send(new ClientMessage.Hello(ProtocolCodec.VERSION + 1, aliceToken, "c1"));
    ServerMessage.Error e = c.expectError(ErrorCode.PROTOCOL_VERSION);
    assertThat(e.message()).contains("protocol " + ProtocolCodec.VERSION);
    assertThat(c.awaitClosed()).isTrue();
  }

  @Test
  void anyRequestBeforeHello_isRefusedAndNothingIsRead() throws Exception {
    TestClient owner = TestClient.login(relay.port(), aliceToken, "c0");
    RelayFixture.create(owner, "secret");
    TestClient c = TestClient.connect(relay.port());
    c.send(new ClientMessage.Open("secret", 0, false));
    c.expectError(ErrorCode.HELLO_REQUIRED);
    assertThat(c.awaitClosed()).isTrue();
    TestClient lister = TestClient.connect(relay.port());
    lister.send(new ClientMessage.ListDocuments());
    lister.expectError(ErrorCode.HELLO_REQUIRED);
    assertThat(lister.awaitClosed()).isTrue();
  }

  @Test
  void malformedFirstMessage_isRefusedAndClosed() throws Exception {
    TestClient c = TestClient.connect(relay.port());
    c.send("{\"type\":\"hello\",\"protocol\":\"1\",\"token\":\"x\",\"clientId\":\"c\"}");
    c.expectError(ErrorCode.MALFORMED);
    assertThat(c.awaitClosed()).isTrue();
  }

  @Test
  void secondHello_isRefused() throws Exception {
    TestClient c = TestClient.login(relay.port(), aliceToken, "c1");
    c.send(new ClientMessage.Hello(ProtocolCodec.VERSION, aliceToken, "c1"));
    c.expectError(ErrorCode.HELLO_REQUIRED);
  }

  @Test
  void silentConnection_isClosedAfterTheHelloTimeout() throws Exception {
    try (Relay quick = RelayFixture.start(dir.resolve("quick"), b -> b.helloTimeoutMillis(300))) {
      TestClient c = TestClient.connect(quick.port());
      ServerMessage.Error e = c.expectError(ErrorCode.HELLO_REQUIRED);
      assertThat(e.message()).contains("no hello within 300 ms");
      assertThat(c.awaitClosed()).isTrue();
    }
  }

  @Test
  void upgradeRequestWithBadBearerToken_isRejectedBeforeTheSocketOpens() throws Exception {
    TestClient c = new TestClient(relay.port(), Map.of("Authorization", "Bearer wrong"));
    assertThat(c.connectBlocking(10, TimeUnit.SECONDS)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer wrong", "Bearer", "Bearer  ", "Basic YWxpY2U6cHc=", "wrong"})
  void upgradeRefusedForItsBearerToken_answers401_andCloses(String authorization) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", relay.port())) {
      socket.setSoTimeout(10_000);
      String response = upgrade(socket, authorization);
      assertThat(response).startsWith("HTTP/1.1 401 ");
      assertThat(response).containsIgnoringCase("WWW-Authenticate: Bearer");
      assertThat(socket.getInputStream().read()).as("closed after the response").isEqualTo(-1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer ", "bearer ", "BEARER "})
  void upgradeRequestWithGoodBearerToken_isAccepted_theSchemeInAnyCase(String scheme)
      throws Exception {
    TestClient c = new TestClient(relay.port(), Map.of("Authorization", scheme + aliceToken));
    assertThat(c.connectBlocking(10, TimeUnit.SECONDS)).isTrue();
    c.send(new ClientMessage.Hello(ProtocolCodec.VERSION, aliceToken, "c1"));
    c.expect(ServerMessage.Welcome.class);
  }

  @Test
  void helloWithAnotherUsersTokenThanTheUpgrade_isRefusedAndClosed() throws Exception {
    String bobToken = relay.store().users().add("bob");
    TestClient c = new TestClient(relay.port(), Map.of("Authorization", "Bearer " + aliceToken));
    assertThat(c.connectBlocking(10, TimeUnit.SECONDS)).isTrue();
    String id = c.send(new ClientMessage.Hello(ProtocolCodec.VERSION, bobToken, "c1"));
    Reply r = c.nextReply();
    assertThat(r.id()).isEqualTo(id);
    assertThat(((ServerMessage.Error) r.message()).code()).isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(c.awaitClosed()).isTrue();
    assertThat(c.closeReason).startsWith("UNAUTHORIZED");
  }

  /** Sends an upgrade request with {@code authorization}; returns the response's head. */
  private String upgrade(Socket socket, String authorization) throws IOException {
    socket
        .getOutputStream()
        .write(
            ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Authorization: "
                    + authorization
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (head.indexOf("\r\n\r\n") < 0) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      head.append((char) c);
    }
    return head.toString();
  }
}
