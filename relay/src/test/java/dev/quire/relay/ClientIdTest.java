package dev.quire.relay;

import static dev.quire.relay.RelayFixture.append;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.EmbeddedStorage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.java_websocket.framing.CloseFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A client id belongs to the first user who said hello with it; batches carry the hello's id. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientIdTest {
  @TempDir Path dir;

  @Test
  void hello_withAnotherUsersClientId_isRefusedAndClosed() throws Exception {
    try (Relay relay = RelayFixture.start(dir)) {
      String aliceToken = relay.store().users().add("alice");
      String bobToken = relay.store().users().add("bob");
      TestClient alice = TestClient.login(relay.port(), aliceToken, "laptop");

      TestClient bob = TestClient.connect(relay.port());
      bob.send(new ClientMessage.Hello(ProtocolCodec.VERSION, bobToken, "laptop"));
      ServerMessage.Error e = bob.expectError(ErrorCode.CLIENT_ID_TAKEN);
      assertThat(e.retry()).isFalse();
      assertThat(e.request()).isEqualTo("hello");
      assertThat(e.message()).contains("laptop").doesNotContain("alice");
      assertThat(bob.awaitClosed()).isTrue();
      assertThat(bob.closeCode).isEqualTo(CloseFrame.POLICY_VALIDATION);
      assertThat(bob.closeReason).startsWith("CLIENT_ID_TAKEN");

      // Alice's connection is untouched and bob may still use an id of his own.
      RelayFixture.create(alice, "doc");
      TestClient desk = TestClient.login(relay.port(), bobToken, "desk");
      desk.send(new ClientMessage.ListDocuments());
      assertThat(desk.expect(ServerMessage.Documents.class).documents()).isEmpty();
    }
  }

  @Test
  void sameUser_mayReconnectAndHoldSeveralConnectionsWithOneClientId() throws Exception {
    try (Relay relay = RelayFixture.start(dir)) {
      String token = relay.store().users().add("alice");
      TestClient first = TestClient.login(relay.port(), token, "laptop");
      TestClient second = TestClient.login(relay.port(), token, "laptop");
      RelayFixture.create(first, "doc");
      second.expect(ServerMessage.Available.class); // the same user's other connection
      first.send(new ClientMessage.Submit("doc", append("laptop", 1, 0, 0, "a")));
      assertThat(first.expectAck().firstRevision()).isEqualTo(1);
      first.closeBlocking();

      // Another token of the same user is the same user.
      String other = relay.store().users().issueToken("alice");
      TestClient again = TestClient.login(relay.port(), other, "laptop");
      again.send(new ClientMessage.Submit("doc", append("laptop", 2, 1, 1, "b")));
      assertThat(again.expectAck().firstRevision()).isEqualTo(2);
      second.send(new ClientMessage.Submit("doc", append("laptop", 3, 2, 2, "c")));
      assertThat(second.expectAck().firstRevision()).isEqualTo(3);
      assertThat(RelayFixture.storedText(relay, "doc")).isEqualTo("abc");
    }
  }

  @Test
  void binding_survivesARestart() throws Exception {
    String aliceToken;
    String bobToken;
    try (Relay relay = RelayFixture.start(dir)) {
      aliceToken = relay.store().users().add("alice");
      bobToken = relay.store().users().add("bob");
      TestClient.login(relay.port(), aliceToken, "laptop").closeBlocking();
    }
    try (Relay relay = RelayFixture.start(dir)) {
      TestClient bob = TestClient.connect(relay.port());
      bob.send(new ClientMessage.Hello(ProtocolCodec.VERSION, bobToken, "laptop"));
      bob.expectError(ErrorCode.CLIENT_ID_TAKEN);
      assertThat(bob.awaitClosed()).isTrue();
      TestClient.login(relay.port(), aliceToken, "laptop").closeBlocking();
    }
  }

  @Test
  void submit_underAnotherClientId_isRefusedStoresNothingAndTheConnectionGoesOn() throws Exception {
    try (Relay relay = RelayFixture.start(dir)) {
      TestClient alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
      TestClient bob = TestClient.login(relay.port(), relay.store().users().add("bob"), "cb");
      RelayFixture.create(alice, "doc");
      alice.send(new ClientMessage.Share("doc", "bob", Role.EDITOR));
      alice.expect(ServerMessage.Shared.class);
      bob.expect(ServerMessage.Available.class);
      alice.send(new ClientMessage.Open("doc", 0, false));
      alice.expect(ServerMessage.History.class);

      // Bob tries to take alice's next acknowledgement: her id and her next batch seq.
      bob.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "B")));
      ServerMessage.Error e = bob.expectError(ErrorCode.CLIENT_ID_MISMATCH);
      assertThat(e.doc()).isEqualTo("doc");
      assertThat(e.request()).isEqualTo("submit");
      assertThat(e.message()).contains("ca").contains("cb");
      alice.expectSilence(200); // nothing was sequenced
      assertThat(relay.store().documents().find("doc").orElseThrow().head()).isZero();
      assertThat(relay.store().history().page("doc", 0, 100)).isEmpty();

      // Alice's own batch 1 is hers, and bob carries on under his own id.
      alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "a")));
      assertThat(alice.expectAck().firstRevision()).isEqualTo(1);
      bob.send(new ClientMessage.Submit("doc", append("cb", 1, 1, 1, "b")));
      assertThat(bob.expectAck().firstRevision()).isEqualTo(2);
      WireSequenced fromBob = alice.expectSequenced();
      assertThat(fromBob.author()).isEqualTo("bob");
      assertThat(fromBob.batch().clientId()).isEqualTo("cb");
      assertThat(RelayFixture.storedText(relay, "doc")).isEqualTo("ab");
    }
  }

  @Test
  void upgradeFromSchema1_givesEachClientIdInTheHistoryToItsFirstAuthor() throws Exception {
    Path data = dir.resolve("data");
    String url = "jdbc:h2:file:" + data.resolve("relay").toAbsolutePath();
    Flyway.configure()
        .dataSource(url, "quire", "")
        .locations("classpath:db/relay")
        .target("1")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url, "quire", "");
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO users (name, created_at) VALUES ('alice', 1), ('bob', 1)");
      s.execute(
          "INSERT INTO documents (id, title, owner, created_at, head, last_change)"
              + " VALUES ('doc', 'T', 'alice', 1, 3, 1)");
      // "shared" was used by bob first, then (before ids were bound) by alice too.
      for (String row :
          List.of(
              "('doc', 'alice', 'laptop', 1, 1, 1, 0, 10, X'00')",
              "('doc', 'bob', 'shared', 1, 2, 1, 0, 20, X'00')",
              "('doc', 'alice', 'shared', 1, 3, 1, 0, 30, X'00')")) {
        s.execute(
            "INSERT INTO batches (doc_id, author, client_id, batch_seq, first_revision, op_count,"
                + " base_revision, created_at, digest) VALUES "
                + row.replace("X'00'", "X'" + "00".repeat(32) + "'"));
      }
    }
    try (EmbeddedStorage store = EmbeddedStorage.open(data, 2)) {
      assertThat(store.clientIds().bind("laptop", "bob")).isEqualTo("alice");
      assertThat(store.clientIds().bind("shared", "alice")).isEqualTo("bob");
      assertThat(store.clientIds().bind("fresh", "bob")).isEqualTo("bob");
      assertThat(store.clientIds().bind("fresh", "alice")).isEqualTo("bob");
    }
    try (EmbeddedStorage store = EmbeddedStorage.open(data, 2)) {
      assertThat(store.clientIds().bind("fresh", "alice"))
          .as("stored, not only cached")
          .isEqualTo("bob");
    }
  }
}
