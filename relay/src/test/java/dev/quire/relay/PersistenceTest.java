package dev.quire.relay;

import static dev.quire.relay.RelayFixture.append;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.EmbeddedStorage;
import dev.quire.relay.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PersistenceTest {
  @TempDir Path dir;

  private String url() {
    return "jdbc:h2:file:" + dir.resolve("data").resolve("relay");
  }

  @Test
  void restart_onTheSameDataDirectory_keepsUsersDocumentsHistoryAndDedupe() throws Exception {
    String aliceToken;
    String bobToken;
    WireBatch batch = append("ca", 3, 2, 2, "!");
    List<WireSequenced> before;
    try (Relay relay = RelayFixture.start(dir)) {
      aliceToken = relay.store().users().add("alice");
      bobToken = relay.store().users().add("bob");
      TestClient alice = TestClient.login(relay.port(), aliceToken, "ca");
      RelayFixture.create(alice, "doc");
      alice.send(new ClientMessage.Share("doc", "bob", Role.VIEWER));
      alice.expect(ServerMessage.Shared.class);
      for (int i = 0; i < 2; i++) {
        alice.send(
            new ClientMessage.Submit("doc", append("ca", i + 1, i, i, "ab".substring(i, i + 1))));
        alice.expectAck();
      }
      alice.send(new ClientMessage.Submit("doc", batch));
      alice.expectAck();
      before = RelayFixture.openAll(alice, "doc", 0);
    }
    try (Relay relay = RelayFixture.start(dir)) {
      TestClient bob = TestClient.login(relay.port(), bobToken, "cb");
      assertThat(RelayFixture.openAll(bob, "doc", 0)).isEqualTo(before);
      bob.send(new ClientMessage.Submit("doc", append("cb", 1, 3, 3, "x")));
      bob.expectError(ErrorCode.FORBIDDEN); // roles survived too
      TestClient alice = TestClient.login(relay.port(), aliceToken, "ca");
      alice.send(new ClientMessage.Submit("doc", batch)); // resent after the restart
      assertThat(alice.expectAck().firstRevision()).isEqualTo(3);
      // The relay's head text survived: the next edit is validated against "ab!".
      alice.send(new ClientMessage.Submit("doc", append("ca", 4, 3, 3, "?")));
      alice.expectAck();
      alice.send(new ClientMessage.Submit("doc", append("ca", 5, 4, 3, "?")));
      alice.expectError(ErrorCode.OPERATION_MISMATCH);
    }
  }

  @Test
  void stop_duringAStreamOfSubmits_keepsEveryAcknowledgedBatch() throws Exception {
    java.util.Set<Long> acked = new java.util.HashSet<>();
    try (Relay relay = RelayFixture.start(dir)) {
      TestClient alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
      RelayFixture.create(alice, "doc");
      for (int i = 0; i < 200; i++) {
        // Each batch inserts at the start of the document, so any base up to the head applies.
        alice.send(
            new ClientMessage.Submit("doc", append("ca", i + 1, 0, 0, "x"))); // base 0: always fits
      }
      relay.close(); // while most are still queued or in flight
      for (ServerMessage m = alice.poll(2000); m != null; m = alice.poll(500)) {
        if (m instanceof ServerMessage.Ack a) {
          acked.add(a.firstRevision());
        } else {
          assertThat(m)
              .isInstanceOfSatisfying(
                  ServerMessage.Error.class,
                  e -> assertThat(e.code()).isEqualTo(ErrorCode.SHUTTING_DOWN));
        }
      }
    }
    try (EmbeddedStorage store = EmbeddedStorage.open(dir.resolve("data"), 2)) {
      long head = store.documents().find("doc").orElseThrow().head();
      assertThat(acked).allSatisfy(r -> assertThat(r).isBetween(1L, head));
      assertThat(store.history().page("doc", 0, 1000)).hasSize((int) head);
    }
  }

  @Test
  void databaseFailingAfterTheJournal_keepsTheAcknowledgedBatch_andRefusesNewOnesUntilRestart()
      throws Exception {
    Path data = dir.resolve("data");
    try (Relay relay = RelayFixture.start(dir)) {
      TestClient alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
      RelayFixture.create(alice, "doc");
      RelayFixture.create(alice, "other");
      alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "a")));
      alice.expectAck();
      // Sabotage: a stray batch row already claims revision 2, so H2 cannot take the next append.
      try (Connection c = DriverManager.getConnection(url(), "quire", "");
          Statement st = c.createStatement()) {
        st.executeUpdate(
            "INSERT INTO batches (doc_id, author, client_id, batch_seq, first_revision,"
                + " op_count, base_revision, created_at, digest)"
                + " VALUES ('doc', 'alice', 'stray', 1, 2, 1, 0, 0, X'"
                + "00".repeat(32)
                + "')");
      }
      // The journal has it: acknowledged. Then H2 refuses it, and the relay stops taking batches.
      alice.send(new ClientMessage.Submit("doc", append("ca", 2, 1, 1, "b")));
      assertThat(alice.expectAck().firstRevision()).isEqualTo(2);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (relay.store().isHealthy() && System.nanoTime() < deadline) {
        Thread.sleep(10); // bounded poll: nothing signals the store turning unhealthy
      }
      assertThat(relay.store().isHealthy()).isFalse();
      alice.send(new ClientMessage.Submit("other", append("ca", 1, 0, 0, "later")));
      ServerMessage.Error e = alice.expectError(ErrorCode.INTERNAL);
      assertThat(e.retry()).isTrue();
      assertThat(e.message()).contains("database failed");
    }
    // While the cause is still there, the relay does not start, and the journal is kept.
    assertThatThrownBy(() -> EmbeddedStorage.open(data, 2))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("journal");
    assertThat(Files.size(data.resolve("relay.journal"))).isGreaterThan(8);
    try (Connection c = DriverManager.getConnection(url(), "quire", "");
        Statement st = c.createStatement()) {
      st.executeUpdate("DELETE FROM batches WHERE client_id = 'stray'");
    }
    // Once it is removed, the next start writes the acknowledged batch, and nothing else.
    try (EmbeddedStorage store = EmbeddedStorage.open(data, 2)) {
      assertThat(store.documents().find("doc").orElseThrow().head()).isEqualTo(2);
      assertThat(store.history().page("doc", 0, 100))
          .extracting(w -> w.batch().operations())
          .containsExactly(List.of("[\"a\"]"), List.of("[1,\"b\"]"));
      assertThat(store.documents().find("other").orElseThrow().head()).isZero();
    }
    assertThat(Files.size(data.resolve("relay.journal"))).isEqualTo(8);
  }

  @Test
  void onlineBackup_isWrittenWhileRunning_andRestoresToAWorkingDataDirectory() throws Exception {
    Path backups = dir.resolve("backups");
    String token;
    try (Relay relay = RelayFixture.start(dir, b -> b.backups(backups, 100))) {
      token = relay.store().users().add("alice");
      TestClient alice = TestClient.login(relay.port(), token, "ca");
      RelayFixture.create(alice, "doc");
      alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "kept")));
      alice.expectAck();
      long acked = System.currentTimeMillis();
      long deadline = acked + 10_000;
      while (newestBackup(backups, acked) == null && System.currentTimeMillis() < deadline) {
        Thread.sleep(50); // bounded poll: backups are written on their own schedule
      }
    }
    Path zip = newestBackup(backups, 0);
    assertThat(zip).isNotNull();
    Path restored = dir.resolve("restored");
    Files.createDirectories(restored);
    try (java.util.zip.ZipInputStream in =
        new java.util.zip.ZipInputStream(Files.newInputStream(zip))) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        Files.copy(in, restored.resolve(e.getName()));
      }
    }
    try (Relay relay =
        Relay.start(
            RelayConfig.builder(restored)
                .port(0)
                .metricsPort(-1)
                .limits(RelayFixture.TEST_LIMITS)
                .build())) {
      TestClient alice = TestClient.login(relay.port(), token, "ca");
      assertThat(RelayFixture.openAll(alice, "doc", 0)).hasSize(1);
    }
  }

  /** The newest backup file written at or after {@code sinceMillis}, or null. */
  private static Path newestBackup(Path dir, long sinceMillis) throws java.io.IOException {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (var files = Files.list(dir)) {
      return files
          .filter(f -> f.toString().endsWith(".zip"))
          .filter(f -> f.toFile().lastModified() >= sinceMillis)
          .max(java.util.Comparator.comparing(Path::toString))
          .orElse(null);
    }
  }

  @Test
  void tokens_areStoredOnlyAsHashes() throws Exception {
    String token;
    try (EmbeddedStorage store = EmbeddedStorage.open(dir.resolve("data"), 2)) {
      token = store.users().add("alice");
    }
    try (Connection c = DriverManager.getConnection(url(), "quire", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT hash FROM tokens")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBytes(1)).hasSize(32);
    }
    assertThat(Files.readAllBytes(dir.resolve("data").resolve("relay.mv.db")))
        .asString(java.nio.charset.StandardCharsets.ISO_8859_1)
        .doesNotContain(token);
  }

  @Test
  void acknowledgedBatch_isInTheJournalWhenItsAckArrives_andSurvivesACrashBeforeH2HasIt()
      throws Exception {
    Path data = dir.resolve("data");
    Path crashed = dir.resolve("crashed");
    String token;
    try (Relay relay = RelayFixture.start(dir)) {
      token = relay.store().users().add("alice");
      TestClient alice = TestClient.login(relay.port(), token, "ca");
      RelayFixture.create(alice, "doc");
      alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "a")));
      alice.expectAck();
    }
    // Stopped cleanly: H2 holds revision 1 and the journal is empty. This H2 file is what a relay
    // killed before H2 took anything newer leaves behind.
    assertThat(Files.size(data.resolve("relay.journal"))).isEqualTo(8);
    copyFiles(data, crashed);
    try (Relay relay = RelayFixture.start(dir)) {
      TestClient alice = TestClient.login(relay.port(), token, "ca");
      alice.send(new ClientMessage.Submit("doc", append("ca", 2, 1, 1, "b")));
      assertThat(alice.expectAck().firstRevision()).isEqualTo(2);
      // The acknowledgement depends on the journal alone: the moment it arrives, the journal on
      // disk holds the batch, whether or not H2 has taken it yet. Crash here: the copy gets the
      // journal as it is now, beside the older H2 file, and is never closed by this relay.
      Files.copy(
          data.resolve("relay.journal"),
          crashed.resolve("relay.journal"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    assertThat(Files.size(crashed.resolve("relay.journal"))).isGreaterThan(8);
    // Opening the crashed directory writes what the journal holds and H2 lacks.
    try (EmbeddedStorage store = EmbeddedStorage.open(crashed, 2)) {
      assertThat(store.documents().find("doc").orElseThrow().head()).isEqualTo(2);
      assertThat(store.history().page("doc", 0, 100))
          .extracting(w -> w.batch().operations())
          .containsExactly(List.of("[\"a\"]"), List.of("[1,\"b\"]"));
      // H2 itself also writes every commit through (no delay), so what it holds survives a kill.
      try (Connection c =
              DriverManager.getConnection("jdbc:h2:file:" + crashed.resolve("relay"), "quire", "");
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                      + " WHERE SETTING_NAME = 'WRITE_DELAY'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("0");
      }
    }
  }

  private static void copyFiles(Path from, Path to) throws java.io.IOException {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }

  @Test
  void dataDirectoryWithANewerSchema_isRefusedAndLeftAlone() throws Exception {
    try (EmbeddedStorage store = EmbeddedStorage.open(dir.resolve("data"), 2)) {
      store.users().add("alice");
    }
    try (Connection c = DriverManager.getConnection(url(), "quire", "");
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\","
              + " \"type\", \"script\", \"checksum\", \"installed_by\", \"execution_time\","
              + " \"success\") VALUES (99, '99', 'from the future', 'SQL', 'V99__future.sql', 0,"
              + " 'quire', 0, TRUE)");
    }
    assertThatThrownBy(() -> EmbeddedStorage.open(dir.resolve("data"), 2))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema version 99")
        .hasMessageContaining("newer relay");
    try (Connection c = DriverManager.getConnection(url(), "quire", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM users")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void readableRelay_takesOverHistoryWrittenInOpaqueMode() throws Exception {
    String token;
    try (Relay relay = RelayFixture.start(dir, b -> b.opaque(true))) {
      token = relay.store().users().add("alice");
      TestClient alice = TestClient.login(relay.port(), token, "ca");
      RelayFixture.create(alice, "doc");
      for (int i = 0; i < 25; i++) {
        alice.send(new ClientMessage.Submit("doc", append("ca", i + 1, i, i, "x")));
        alice.expectAck();
      }
    }
    try (Relay relay = RelayFixture.start(dir)) {
      TestClient alice = TestClient.login(relay.port(), token, "ca");
      alice.send(new ClientMessage.Submit("doc", append("ca", 26, 25, 24, "bad base length")));
      alice.expectError(ErrorCode.OPERATION_MISMATCH);
      alice.send(new ClientMessage.Submit("doc", append("ca", 26, 25, 25, "y")));
      alice.expectAck();
      alice.send(new ClientMessage.Open("doc", 0, true));
      ServerMessage.Snapshot snap = alice.expect(ServerMessage.Snapshot.class);
      assertThat(snap.revision()).isEqualTo(20);
      assertThat(snap.text()).isEqualTo("x".repeat(20));
    }
  }
}
