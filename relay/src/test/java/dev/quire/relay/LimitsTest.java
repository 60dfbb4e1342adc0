package dev.quire.relay;

import static dev.quire.relay.RelayFixture.append;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Limits;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.java_websocket.framing.CloseFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimitsTest {
  @TempDir Path dir;
  Relay relay;

  @AfterEach
  void stop() {
    if (relay != null) {
      relay.close();
    }
  }

  private long head(String doc) {
    return relay.store().documents().find(doc).orElseThrow().head();
  }

  @Test
  void oversizedMessage_isRefusedWithItsCodeAndTheConnectionClosed() throws Exception {
    relay = RelayFixture.start(dir);
    String token = relay.store().users().add("alice");
    TestClient alice = TestClient.login(relay.port(), token, "ca");
    RelayFixture.create(alice, "doc");
    int max = RelayFixture.TEST_LIMITS.maxMessageBytes();
    alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "é".repeat(max / 2 + 10))));
    alice.expectError(ErrorCode.MESSAGE_TOO_LARGE);
    assertThat(alice.awaitClosed()).isTrue();
    assertThat(alice.closeCode).isEqualTo(CloseFrame.TOOBIG);
    assertThat(head("doc")).isZero();

    TestClient again = TestClient.login(relay.port(), token, "ca");
    again.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "fits")));
    again.expectAck();
  }

  @Test
  void frameFarOverTheLimit_isNotEvenRead() throws Exception {
    relay = RelayFixture.start(dir);
    TestClient alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
    alice.send("x".repeat(RelayServer.frameLimit(relay.config()) + 1));
    assertThat(alice.awaitClosed()).isTrue();
    assertThat(alice.closeCode).isEqualTo(CloseFrame.TOOBIG);
  }

  @Test
  void flood_isRateLimited_thenDisconnected_whileOthersAreServed() throws Exception {
    relay = RelayFixture.start(dir, b -> b.limits(new Limits(64 * 1024, 50, 10, 20, 20)));
    TestClient flooder = TestClient.login(relay.port(), relay.store().users().add("flood"), "cf");
    TestClient alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
    RelayFixture.create(alice, "doc");
    String list = ProtocolCodec.encode(new ClientMessage.ListDocuments());
    for (int i = 0; i < 200 && flooder.isOpen(); i++) {
      flooder.send(list);
    }
    ServerMessage.Error limited =
        flooder.await(ServerMessage.Error.class, e -> e.code() == ErrorCode.RATE_LIMITED);
    assertThat(limited.retry()).isTrue();
    assertThat(flooder.awaitClosed()).isTrue();
    assertThat(flooder.closeReason).isEqualTo("RATE_LIMITED");
    alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "still here")));
    alice.expectAck();
  }

  @Test
  void clientThatStopsReading_isDisconnectedAsTooSlow_andMemoryStaysBounded() throws Exception {
    long maxQueued = 256 * 1024;
    relay =
        RelayFixture.start(dir, b -> b.maxOutgoingBytes(maxQueued).checkpointInterval(1_000_000));
    String aliceToken = relay.store().users().add("alice");
    String slowToken = relay.store().users().add("slow");
    TestClient alice = TestClient.login(relay.port(), aliceToken, "ca");
    RelayFixture.create(alice, "doc");
    alice.send(new ClientMessage.Share("doc", "slow", Role.VIEWER));
    alice.expect(ServerMessage.Shared.class);

    try (RawWebSocket slow = new RawWebSocket(relay.port())) {
      slow.sendText(
          ProtocolCodec.encode(new ClientMessage.Hello(ProtocolCodec.VERSION, slowToken, "cs")));
      slow.sendText(ProtocolCodec.encode(new ClientMessage.Open("doc", 0, false)));
      // ...and never reads again. Push far more than the socket buffers can hold.
      String chunk = "y".repeat(60_000);
      long maxSeen = 0;
      int length = 0;
      for (int i = 0; i < 400 && tooSlowCount() == 0; i++) {
        alice.send(new ClientMessage.Submit("doc", append("ca", i + 1, i, length, chunk)));
        alice.expectAck();
        length += chunk.length();
        maxSeen = Math.max(maxSeen, queuedBytes());
      }
      assertThat(tooSlowCount()).as("the slow client was cut off").isEqualTo(1);
      assertThat(maxSeen).isLessThanOrEqualTo(maxQueued + 2L * chunk.length() + 4096);
      // The others are still served.
      alice.send(new ClientMessage.Submit("doc", append("ca", 1000, head("doc"), length, "!")));
      alice.expectAck();
      // When it reads again, it finds the reason it was closed.
      assertThat(slow.readUntil("TOO_SLOW")).isTrue();
    }
  }

  private double tooSlowCount() {
    return relay.metrics().errors.labelValues(ErrorCode.TOO_SLOW.wireName()).get();
  }

  private long queuedBytes() {
    return Dispatcher.queuedBytes(relay.serverSessions());
  }
}
