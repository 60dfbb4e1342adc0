package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.ot.codec.CanonicalJson;
import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.history.Ed25519;
import dev.quire.ot.history.HistoryChain;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.RelaySignature;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.postgres.PgUrl;
import dev.quire.relay.postgres.PostgresServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protocol 5's relay signatures: the key {@code welcome} publishes, made once with the storage,
 * signs checkpoints of each history that a reader can recompute from the history alone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RelaySignaturesTest {
  @TempDir Path dir;

  /** Logs in as a new user {@code user}; returns the client and the welcome's signing key. */
  private static TestClient login(Relay relay, String user, String[] key) throws Exception {
    TestClient c = TestClient.connect(relay.port());
    c.send(new ClientMessage.Hello(ProtocolCodec.VERSION, relay.store().users().add(user), user));
    key[0] = c.expect(ServerMessage.Welcome.class).signingKey();
    return c;
  }

  /** Submits {@code n} one-character appends after {@code head}, one batch each. */
  private static void appendAll(TestClient c, String client, long head, int n) throws Exception {
    for (long r = head + 1; r <= head + n; r++) {
      c.send(
          new ClientMessage.Submit(
              "doc", RelayFixture.append(client, r, r - 1, (int) (r - 1), "x")));
      assertThat(c.expectAck().firstRevision()).isEqualTo(r);
    }
  }

  private static ServerMessage.Signatures signatures(TestClient c, long from) throws Exception {
    c.send(new ClientMessage.Signatures("doc", from));
    return c.expect(ServerMessage.Signatures.class);
  }

  /** The relay's chain recomputed from the history it serves, as a history file's reader does. */
  private static String chainAt(List<WireSequenced> history, long revision, boolean canonical)
      throws Exception {
    String chain = HistoryChain.GENESIS;
    for (WireSequenced w : history) {
      WireBatch b = w.batch();
      for (int i = 0; i < b.size() && w.firstRevision() + i <= revision; i++) {
        String op =
            canonical
                ? OperationCodec.toJson(OperationCodec.fromJson(b.operations().get(i)))
                : CanonicalJson.write(
                    new ObjectMapper().readValue(b.operations().get(i), Object.class));
        chain =
            HistoryChain.next(
                chain,
                new HistoryChain.Revision(
                    w.firstRevision() + i,
                    b.baseRevision(),
                    w.firstRevision(),
                    w.author(),
                    b.clientId(),
                    b.batchSeq(),
                    w.timestampMillis(),
                    b.madeAt(),
                    op));
      }
    }
    return chain;
  }

  private static void assertSignedBy(String key, RelaySignature s) {
    assertThat(Ed25519.verify(key, s.statement("doc"), s.signature()))
        .as("signature at " + s.revision())
        .isTrue();
  }

  @Test
  void signing_hashesTheTextOnlyAtCheckpointsAndTheHead_notAtEveryRevision() throws Exception {
    String[] key = new String[1];
    try (Relay relay = RelayFixture.start(dir)) { // a checkpoint every 10 revisions
      TestClient alice = login(relay, "alice", key);
      RelayFixture.create(alice, "doc");
      appendAll(alice, "alice", 0, 95);
      List<Integer> hashed = new ArrayList<>(); // the length of each text hashed
      HistorySigner signer =
          HistorySigner.open(
              relay.store(),
              10,
              text -> {
                hashed.add(text.length());
                return HistoryChain.sha256(text.toString());
              });

      ServerMessage.Signatures all = signer.answer("doc", 0, 95, true);
      assertThat(all.signatures())
          .extracting(RelaySignature::revision)
          .containsExactly(10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L, 95L);
      assertThat(hashed).containsExactly(10, 20, 30, 40, 50, 60, 70, 80, 90, 95);
      for (RelaySignature s : all.signatures()) {
        assertSignedBy(key[0], s);
        assertThat(s.textHash()).isEqualTo(HistoryChain.sha256("x".repeat((int) s.revision())));
      }

      hashed.clear(); // the checkpoints are stored: only the head is hashed again
      assertThat(signer.answer("doc", 90, 95, true).signatures())
          .extracting(RelaySignature::revision)
          .containsExactly(95L);
      assertThat(hashed).containsExactly(95);
    }
  }

  @Test
  void readableDocument_isSignedAtEveryCheckpointAndTheHead_byTheKeyWelcomePublishes()
      throws Exception {
    String[] key = new String[1];
    try (Relay relay = RelayFixture.start(dir)) { // a checkpoint every 10 revisions
      TestClient alice = login(relay, "alice", key);
      assertThat(Ed25519.isPublicKey(key[0])).isTrue();
      RelayFixture.create(alice, "doc");
      appendAll(alice, "alice", 0, 25);

      ServerMessage.Signatures all = signatures(alice, 0);
      assertThat(all.key()).isEqualTo(key[0]);
      assertThat(all.complete()).isTrue();
      assertThat(all.signatures())
          .extracting(RelaySignature::revision)
          .containsExactly(10L, 20L, 25L);
      List<WireSequenced> history = RelayFixture.openAll(alice, "doc", 0);
      alice.send(new ClientMessage.Unsubscribe("doc")); // acks, not sequenced, from here on
      alice.expect(ServerMessage.Unsubscribed.class);
      for (RelaySignature s : all.signatures()) {
        assertSignedBy(key[0], s);
        assertThat(s.chain()).isEqualTo(chainAt(history, s.revision(), true));
        assertThat(s.textHash()).isEqualTo(HistoryChain.sha256("x".repeat((int) s.revision())));
      }
      assertThat(signatures(alice, 20).signatures()).containsExactly(all.signatures().get(2));
      assertThat(signatures(alice, 25).signatures()).isEmpty();

      appendAll(alice, "alice", 25, 6); // on to 31: 30 is signed from the one stored at 20
      assertThat(signatures(alice, 20).signatures())
          .extracting(RelaySignature::revision)
          .containsExactly(30L, 31L);
      assertThat(signatures(alice, 0).signatures().subList(0, 2))
          .isEqualTo(all.signatures().subList(0, 2));

      alice.send(new ClientMessage.Signatures("doc", 32));
      alice.expectError(ErrorCode.BASE_AHEAD);
      TestClient eve = login(relay, "eve", new String[1]);
      eve.send(new ClientMessage.Signatures("doc", 0));
      assertThat(eve.expect(ServerMessage.Error.class).code())
          .isIn(ErrorCode.FORBIDDEN, ErrorCode.UNKNOWN_DOCUMENT);
    }
    try (Relay again = RelayFixture.start(dir)) {
      String[] keyAfter = new String[1];
      TestClient bob = login(again, "bob", keyAfter);
      assertThat(keyAfter[0]).as("the key after a restart").isEqualTo(key[0]);
      again.store().documents().setRole("doc", "bob", dev.quire.ot.protocol.Role.VIEWER);
      List<RelaySignature> after = signatures(bob, 0).signatures();
      assertThat(after).extracting(RelaySignature::revision).containsExactly(10L, 20L, 30L, 31L);
      after.forEach(s -> assertSignedBy(key[0], s));
    }
  }

  @Test
  void aLongUnsignedHistory_isSignedOverSeveralRequests_eachABoundedPart() throws Exception {
    String[] key = new String[1];
    try (Relay relay = RelayFixture.start(dir)) { // a checkpoint every 10: 200 revisions a request
      TestClient alice = login(relay, "alice", key);
      RelayFixture.create(alice, "doc");
      appendAll(alice, "alice", 0, 215);
      ServerMessage.Signatures first = signatures(alice, 0);
      assertThat(first.complete()).isFalse();
      assertThat(first.signatures()).hasSize(20);
      assertThat(first.signatures().get(19).revision()).isEqualTo(200);
      ServerMessage.Signatures rest = signatures(alice, 200);
      assertThat(rest.complete()).isTrue();
      assertThat(rest.signatures())
          .extracting(RelaySignature::revision)
          .containsExactly(210L, 215L);
      rest.signatures().forEach(s -> assertSignedBy(key[0], s));
      assertThat(rest.signatures().get(1).textHash())
          .isEqualTo(HistoryChain.sha256("x".repeat(215)));
    }
  }

  @Test
  void opaqueDocument_isSignedOverItsPayloadsAsSent_withoutATextHash() throws Exception {
    String[] key = new String[1];
    try (Relay relay = RelayFixture.start(dir, b -> b.opaque(true))) {
      TestClient alice = login(relay, "alice", key);
      RelayFixture.create(alice, "doc");
      for (long seq = 1; seq <= 12; seq++) {
        alice.send(
            new ClientMessage.Submit(
                "doc",
                new WireBatch(
                    "alice",
                    seq,
                    seq - 1,
                    List.of("{\"ct\": \"c2VhbGVk\", \"iv\": " + seq + "}"),
                    5)));
        alice.expectAck();
      }
      List<RelaySignature> all = signatures(alice, 0).signatures();
      assertThat(all).extracting(RelaySignature::revision).containsExactly(10L, 12L);
      List<WireSequenced> history = RelayFixture.openAll(alice, "doc", 0);
      for (RelaySignature s : all) {
        assertSignedBy(key[0], s);
        assertThat(s.textHash()).isNull();
        assertThat(s.chain()).isEqualTo(chainAt(history, s.revision(), false));
      }
    }
  }

  @Test
  void relaysOnOnePostgresDatabase_signWithOneKey_andAgree() throws Exception {
    PgUrl url = PgUrl.of(PostgresServer.freshDatabase(), Map.of());
    UnaryOperator<RelayConfig.Builder> onPg = b -> b.database(url);
    String[] keyA = new String[1];
    try (Relay a = RelayFixture.start(dir.resolve("a"), onPg);
        Relay b = RelayFixture.start(dir.resolve("b"), onPg)) {
      String[] keyB = new String[1];
      TestClient alice = login(a, "alice", keyA);
      TestClient bob = login(b, "bob", keyB);
      assertThat(keyB[0]).isEqualTo(keyA[0]);
      RelayFixture.create(alice, "doc");
      a.store().documents().setRole("doc", "bob", dev.quire.ot.protocol.Role.VIEWER);
      appendAll(alice, "alice", 0, 21);
      List<RelaySignature> fromA = signatures(alice, 0).signatures();
      assertThat(fromA).extracting(RelaySignature::revision).containsExactly(10L, 20L, 21L);
      assertThat(signatures(bob, 0).signatures()).isEqualTo(fromA);
      fromA.forEach(s -> assertSignedBy(keyA[0], s));
    }
    try (Relay c = RelayFixture.start(dir.resolve("c"), onPg)) {
      String[] keyC = new String[1];
      login(c, "carol", keyC);
      assertThat(keyC[0]).as("a relay started later on the database").isEqualTo(keyA[0]);
    }
  }
}
