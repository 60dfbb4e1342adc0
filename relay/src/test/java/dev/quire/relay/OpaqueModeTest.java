package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --opaque} the relay never reads operations: these payloads are not operations at all
 * (as end-to-end encrypted ones would not be), and it still sequences, stores, deduplicates and
 * serves them.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OpaqueModeTest {
  @TempDir Path dir;

  private static WireBatch sealed(String clientId, long seq, long base, String... ciphertexts) {
    return new WireBatch(
        clientId,
        seq,
        base,
        java.util.Arrays.stream(ciphertexts).map(c -> "\"" + c + "\"").toList(),
        1_000L);
  }

  @Test
  void opaqueRelay_sequencesStoresDedupesAndServesPayloadsItCannotRead() throws Exception {
    String aliceToken;
    String bobToken;
    WireBatch first = sealed("ca", 1, 0, "c2VhbGVkLTE=", "c2VhbGVkLTI=");
    try (Relay relay = RelayFixture.start(dir, b -> b.opaque(true))) {
      aliceToken = relay.store().users().add("alice");
      bobToken = relay.store().users().add("bob");
      TestClient alice = TestClient.login(relay.port(), aliceToken, "ca");
      TestClient bob = TestClient.login(relay.port(), bobToken, "cb");
      RelayFixture.create(alice, "doc");
      alice.send(new ClientMessage.Share("doc", "bob", Role.EDITOR));
      alice.expect(ServerMessage.Shared.class);
      bob.expect(ServerMessage.Available.class);
      bob.send(new ClientMessage.Open("doc", 0, false));
      bob.expect(ServerMessage.History.class);

      alice.send(new ClientMessage.Submit("doc", first));
      assertThat(alice.expectAck().firstRevision()).isEqualTo(1);
      WireSequenced live = bob.expectSequenced();
      assertThat(live.batch()).isEqualTo(first);
      assertThat(live.lastRevision()).isEqualTo(2);

      // Concurrent with alice's batch (base 0): sequenced after it, untouched.
      WireBatch concurrent = sealed("cb", 1, 0, "{\"iv\":\"00\",\"ct\":\"ff\"}".replace("\"", "'"));
      bob.send(new ClientMessage.Submit("doc", concurrent));
      assertThat(bob.expectAck().firstRevision()).isEqualTo(3);

      alice.send(new ClientMessage.Submit("doc", first)); // resent
      assertThat(alice.expectAck().firstRevision()).isEqualTo(1);

      alice.send(new ClientMessage.Submit("doc", sealed("ca", 2, 9, "x")));
      alice.expectError(ErrorCode.BASE_AHEAD);
    }
    try (Relay relay = RelayFixture.start(dir, b -> b.opaque(true))) {
      TestClient bob = TestClient.login(relay.port(), bobToken, "cb");
      List<WireSequenced> history = RelayFixture.openAll(bob, "doc", 0);
      assertThat(history).hasSize(2);
      assertThat(history.get(0).batch()).isEqualTo(first);
      assertThat(history.get(1).firstRevision()).isEqualTo(3);
      assertThat(relay.store().documents().find("doc").orElseThrow().head()).isEqualTo(3);
    }
  }

  @Test
  void readableRelay_onOpaqueHistoryItCannotRead_servesItButRefusesSubmits() throws Exception {
    String token;
    try (Relay relay = RelayFixture.start(dir, b -> b.opaque(true))) {
      token = relay.store().users().add("alice");
      TestClient alice = TestClient.login(relay.port(), token, "ca");
      // Stored without a payload kind, as before schema version 7: it follows the relay's mode.
      relay.store().documents().create("doc", "Doc", "alice", System.currentTimeMillis());
      alice.send(new ClientMessage.Submit("doc", sealed("ca", 1, 0, "c2VhbGVk")));
      alice.expectAck();
    }
    try (Relay relay = RelayFixture.start(dir)) {
      TestClient alice = TestClient.login(relay.port(), token, "ca");
      alice.send(new ClientMessage.Submit("doc", RelayFixture.append("ca", 2, 1, 0, "x")));
      alice.expectError(ErrorCode.UNREADABLE_DOCUMENT);
      assertThat(RelayFixture.openAll(alice, "doc", 0)).hasSize(1);
      assertThat(relay.store().documents().find("doc").orElseThrow().head()).isEqualTo(1);
    }
  }

  @Test
  void readableRelay_refusesTheSamePayloads() throws Exception {
    try (Relay relay = RelayFixture.start(dir)) {
      TestClient alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
      RelayFixture.create(alice, "doc");
      alice.send(new ClientMessage.Submit("doc", sealed("ca", 1, 0, "c2VhbGVk")));
      alice.expectError(ErrorCode.MALFORMED);
    }
  }

  @Test
  void oneRelayHoldsBothKinds_eachDocumentKeepsTheKindItWasCreatedWith() throws Exception {
    String token;
    WireBatch firstSealed = sealed("ca", 1, 0, "c2VhbGVkLTE=");
    try (Relay relay = RelayFixture.start(dir, b -> b.opaque(true))) {
      token = relay.store().users().add("alice");
      TestClient alice = TestClient.login(relay.port(), token, "ca");
      RelayFixture.create(alice, "sealed"); // opaque: the relay's mode when it was created
      alice.send(new ClientMessage.Submit("sealed", firstSealed));
      assertThat(alice.expectAck().firstRevision()).isEqualTo(1);
    }
    try (Relay relay = RelayFixture.start(dir)) { // readable from now on
      TestClient alice = TestClient.login(relay.port(), token, "ca");
      RelayFixture.create(alice, "plain");
      alice.send(new ClientMessage.Submit("sealed", sealed("ca", 2, 1, "c2VhbGVkLTI=")));
      assertThat(alice.expectAck().firstRevision()).isEqualTo(2);
      alice.send(new ClientMessage.Submit("plain", sealed("ca", 3, 0, "c2VhbGVk")));
      alice.expectError(ErrorCode.MALFORMED);
      alice.send(new ClientMessage.Submit("plain", RelayFixture.append("ca", 3, 0, 0, "hi")));
      assertThat(alice.expectAck().firstRevision()).isEqualTo(1);
      assertThat(RelayFixture.openAll(alice, "sealed", 0))
          .extracting(WireSequenced::batch)
          .first()
          .isEqualTo(firstSealed); // served exactly as sent
      assertThat(RelayFixture.storedText(relay, "plain")).isEqualTo("hi");
    }
    try (Relay relay = RelayFixture.start(dir, b -> b.opaque(true))) { // and back
      TestClient alice = TestClient.login(relay.port(), token, "ca");
      alice.send(new ClientMessage.Submit("plain", sealed("ca", 4, 1, "c2VhbGVk")));
      alice.expectError(ErrorCode.MALFORMED); // still read: it was created readable
      alice.send(new ClientMessage.Submit("plain", RelayFixture.append("ca", 4, 1, 2, "!")));
      assertThat(alice.expectAck().firstRevision()).isEqualTo(2);
      assertThat(RelayFixture.storedText(relay, "plain")).isEqualTo("hi!");
      alice.send(new ClientMessage.Submit("sealed", sealed("ca", 5, 2, "c2VhbGVkLTM=")));
      assertThat(alice.expectAck().firstRevision()).isEqualTo(3);
    }
  }
}
