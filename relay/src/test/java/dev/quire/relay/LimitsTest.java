package dev.quire.relay;

import static dev.quire.relay.RelayFixture.append;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Limits;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.Reply;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
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
  void everyMessageOverTheRate_isRefusedWithItsId_andNoneGoesUnanswered() throws Exception {
    relay = RelayFixture.start(dir, b -> b.limits(new Limits(64 * 1024, 50, 10, 20, 20)));
    TestClient c = TestClient.login(relay.port(), relay.store().users().add("eager"), "ce");
    int sent = 35; // 20 within the burst, 15 over it: fewer than the 20 dropped that close
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < sent; i++) {
      ids.add(c.send(new ClientMessage.Open("nowhere", 0, false)));
    }
    Map<String, ErrorCode> answers = new HashMap<>();
    for (int i = 0; i < sent; i++) {
      Reply r = c.nextReply();
      ServerMessage.Error e = (ServerMessage.Error) r.message();
      assertThat(e.doc()).isEqualTo("nowhere");
      assertThat(e.request()).isEqualTo("open");
      assertThat(answers.put(r.id(), e.code())).as("one answer per request").isNull();
    }
    assertThat(answers.keySet()).isEqualTo(ids);
    assertThat(answers.values()).contains(ErrorCode.RATE_LIMITED, ErrorCode.UNKNOWN_DOCUMENT);
    assertThat(answers.values().stream().filter(ErrorCode.RATE_LIMITED::equals).count())
        .isGreaterThanOrEqualTo(sent - 20 - 1); // a token may come back while sending
    c.expectSilence(200);
    assertThat(c.isOpen()).isTrue();
  }

  @Test
  void sustainedFlood_isDisconnectedWithAReason_afterTheAnswersItWasOwed() throws Exception {
    relay = RelayFixture.start(dir, b -> b.limits(new Limits(64 * 1024, 50, 10, 200, 200)));
    TestClient flooder = TestClient.login(relay.port(), relay.store().users().add("flood"), "cf");
    TestClient alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
    RelayFixture.create(alice, "doc");
    try {
      for (int i = 0; i < 20_000; i++) {
        flooder.send(new ClientMessage.Open("nowhere", 0, false));
      }
    } catch (WebsocketNotConnectedException e) {
      // the relay's close frame came: the flood stops here
    }
    assertThat(flooder.awaitClosed()).isTrue();
    assertThat(flooder.closeCode).as(flooder.closeReason).isEqualTo(CloseFrame.POLICY_VALIDATION);
    assertThat(flooder.closeReason).startsWith("RATE_LIMITED");
    // Every request the relay took before the close was answered: the answered ids are t1..tN.
    Set<Integer> answered = new HashSet<>(Set.of(1)); // t1 was hello, answered by welcome
    while (flooder.pending() > 0) {
      Reply r = flooder.nextReply();
      assertThat(r.message()).isInstanceOf(ServerMessage.Error.class);
      assertThat(answered.add(Integer.parseInt(r.id().substring(1)))).isTrue();
    }
    assertThat(answered).isNotEmpty();
    int last = answered.stream().max(Integer::compare).orElseThrow();
    assertThat(answered)
        .as("no request before the last answered one went unanswered")
        .hasSize(last);
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
          ProtocolCodec.encode(
              "h", new ClientMessage.Hello(ProtocolCodec.VERSION, slowToken, "cs")));
      slow.sendText(ProtocolCodec.encode("o", new ClientMessage.Open("doc", 0, false)));
      // Subscribed once its one history page says complete: read that far (were Alice's batches
      // to come first, the page would not reach the head and nothing live would be sent to it)...
      assertThat(slow.readUntil("\"complete\":true")).as("the slow client's history").isTrue();
      // ...and never read again. Push far more than the socket buffers can hold.
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
