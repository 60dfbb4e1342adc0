package dev.quire.relay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryStoreTest {
  @TempDir Path dir;
  EmbeddedStorage store;
  H2HistoryStore history;

  @BeforeEach
  void open() {
    store = EmbeddedStorage.open(dir, 2);
    store.users().add("alice");
    store.documents().create("doc", "T", "alice", 1, PayloadKind.READABLE);
    history = store.history();
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** Appends a batch of {@code size} opaque operations at the head. */
  private WireSequenced append(long seq, long base, int size, String checkpoint) {
    long first = store.documents().find("doc").orElseThrow().head() + 1;
    List<String> ops = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      ops.add("\"op" + seq + "." + i + "\"");
    }
    WireSequenced e =
        new WireSequenced(first, "alice", 100 + seq, new WireBatch("c", seq, base, ops, 1_000L));
    history.append(new HistoryStore.Append("doc", e, null, new byte[32], checkpoint));
    return e;
  }

  @Test
  void append_movesTheHeadAndIsReadBackAsWholeBatches() {
    WireSequenced a = append(1, 0, 3, null);
    WireSequenced b = append(2, 3, 1, null);
    assertThat(store.documents().find("doc").orElseThrow().head()).isEqualTo(4);
    assertThat(history.page("doc", 0, 100)).containsExactly(a, b);
    assertThat(history.page("doc", 2, 100)).containsExactly(a, b); // revision 3 is inside a
    assertThat(history.page("doc", 3, 100)).containsExactly(b);
    assertThat(history.page("doc", 4, 100)).isEmpty();
  }

  @Test
  void append_atAnyRevisionButTheNext_isRefusedAndStoresNothing() {
    append(1, 0, 2, null);
    WireSequenced stale =
        new WireSequenced(2, "alice", 5, new WireBatch("c", 2, 1, List.of("1"), 1_000L));
    assertThatThrownBy(
            () -> history.append(new HistoryStore.Append("doc", stale, null, new byte[32], null)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("not at revision 1");
    assertThat(history.page("doc", 0, 100)).hasSize(1);
    assertThat(history.findBatchAtOrAfter("doc", "alice", "c", 2)).isEmpty();
  }

  @Test
  void operationsWithALineBreak_areReadBackFromTheLog() {
    WireSequenced a = append(1, 0, 2, null);
    // Valid JSON text, though not as the codec writes it: it cannot be held one per line.
    WireSequenced odd =
        new WireSequenced(
            3, "alice", 7, new WireBatch("c", 2, 2, List.of("[1,\n2]", "\"x\""), 1_000L));
    history.append(new HistoryStore.Append("doc", odd, null, new byte[32], null));
    WireSequenced b = append(3, 4, 2, null);
    assertThat(history.page("doc", 0, 100)).containsExactly(a, odd, b);
    assertThat(history.page("doc", 2, 100)).containsExactly(odd, b);
  }

  /** A data directory migrated up to {@code version} only, with user alice; returns its URL. */
  private static String dataDirectoryAtSchema(Path dir, String version) throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("relay").toAbsolutePath();
    org.flywaydb.core.Flyway.configure()
        .dataSource(url, "quire", "")
        .locations("classpath:db/relay")
        .target(version)
        .load()
        .migrate();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "quire", "");
        java.sql.Statement s = c.createStatement()) {
      s.execute("INSERT INTO users (name, created_at) VALUES ('alice', 1)");
    }
    return url;
  }

  @Test
  void upgradeFromSchema20_keepsOnlyTheCanonicalOperationsThatDiffer_andReadsTheSame()
      throws Exception {
    store.close();
    Path old = dir.resolve("old20");
    String url = dataDirectoryAtSchema(old, "20");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "quire", "");
        java.sql.Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO documents (id, title, owner, created_at, head, last_change,"
              + " missing_canonical) VALUES ('doc', 'T', 'alice', 1, 6, 1, 1)");
      String digest = "X'" + "00".repeat(32) + "'";
      String columns =
          "INSERT INTO batches (doc_id, author, client_id, batch_seq, first_revision, op_count,"
              + " base_revision, created_at, digest, operations, canonical) VALUES ";
      s.execute(
          columns
              + "('doc', 'alice', 'c', 1, 1, 2, 0, 10, "
              + digest
              + ", '[\"ab\"]\n[2,\"c\"]', '[\"ab\"]\n[2,\"c\"]'),"
              + " ('doc', 'alice', 'c', 2, 3, 2, 0, 20, "
              + digest
              + ", '[\"x\"]\n[1,\"y\"]', '[3,\"x\"]\n[1,\"y\"]'),"
              + " ('doc', 'alice', 'c', 3, 5, 1, 0, 30, "
              + digest
              + ", '[5,\"z\"]', '[5,\"Z\"]'),"
              + " ('doc', 'alice', 'c', 4, 6, 1, 5, 40, "
              + digest
              + ", '[6,\"w\"]', NULL)");
      for (int r = 7; r <= 46; r++) { // more than the migration reads at a time
        String op = "'[" + (r - 1) + ",\"v\"]'";
        s.execute(
            columns
                + "('doc', 'alice', 'c', "
                + (r - 2)
                + ", "
                + r
                + ", 1, "
                + (r - 1)
                + ", 50, "
                + digest
                + ", "
                + op
                + ", "
                + op
                + ")");
      }
      s.execute("UPDATE documents SET head = 46 WHERE id = 'doc'");
    }
    store = EmbeddedStorage.open(old, 2);

    assertThat(store.history().canonical("doc", 1, 6))
        .containsExactly("[\"ab\"]", "[2,\"c\"]", "[3,\"x\"]", "[1,\"y\"]", "[5,\"Z\"]", null);
    assertThat(store.history().missingCanonical("doc")).isEqualTo(1);
    assertThat(store.history().canonical("doc", 46, 46)).containsExactly("[45,\"v\"]");
    assertThat(store.history().entries("doc", 0, 4))
        .extracting(HistoryStore.StoredEntry::canonical)
        .containsExactly(List.of("[\"ab\"]", "[2,\"c\"]"), List.of("[3,\"x\"]", "[1,\"y\"]"));
    store.close();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "quire", "");
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs =
            s.executeQuery("SELECT canonical FROM batches ORDER BY first_revision")) {
      List<String> stored = new ArrayList<>();
      while (rs.next()) {
        stored.add(rs.getString(1));
      }
      assertThat(stored.subList(0, 4)).containsExactly("\n", "[3,\"x\"]\n", "[5,\"Z\"]", null);
      assertThat(stored.subList(4, stored.size())).hasSize(40).containsOnly("");
    }
    store = EmbeddedStorage.open(old, 2);
  }

  @Test
  void upgradeFromSchema3_givesEachBatchItsOperations() throws Exception {
    store.close();
    Path old = dir.resolve("old");
    String url = dataDirectoryAtSchema(old, "3");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "quire", "");
        java.sql.Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO documents (id, title, owner, created_at, head, last_change)"
              + " VALUES ('doc', 'T', 'alice', 1, 3, 1)");
      String digest = "X'" + "00".repeat(32) + "'";
      s.execute(
          "INSERT INTO batches (doc_id, author, client_id, batch_seq, first_revision, op_count,"
              + " base_revision, created_at, digest) VALUES ('doc', 'alice', 'c', 1, 1, 2, 0, 10, "
              + digest
              + "), ('doc', 'alice', 'c', 2, 3, 1, 2, 20, "
              + digest
              + ")");
      s.execute(
          "INSERT INTO log (doc_id, revision, base_revision, author, client_id, batch_seq,"
              + " created_at, payload) VALUES ('doc', 1, 0, 'alice', 'c', 1, 10, '[\"a\"]'),"
              + " ('doc', 2, 0, 'alice', 'c', 1, 10, '[1, \"b\"]'),"
              + " ('doc', 3, 2, 'alice', 'c', 2, 20, '[-1, 1]')");
    }
    store = EmbeddedStorage.open(old, 2);
    // stored before authors' times were kept (schema 8): served with the relay's timestamps
    assertThat(store.history().page("doc", 0, 100))
        .containsExactly(
            new WireSequenced(
                1, "alice", 10, new WireBatch("c", 1, 0, List.of("[\"a\"]", "[1, \"b\"]"), 10)),
            new WireSequenced(3, "alice", 20, new WireBatch("c", 2, 2, List.of("[-1, 1]"), 20)));
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "quire", "");
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs =
            s.executeQuery("SELECT operations FROM batches ORDER BY first_revision")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("[\"a\"]\n[1, \"b\"]");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("[-1, 1]");
    }
  }

  @Test
  void anAppend_writesOneBatchRowAndNoLogRows_andReadsEverythingBackFromIt() throws Exception {
    WireSequenced a = append(1, 0, 3, null);
    WireSequenced b =
        new WireSequenced(
            4, "alice", 9, new WireBatch("c", 2, 3, List.of("[3,\"x\"]", "[-1,3]"), 1_000L));
    history.append(
        new HistoryStore.Append("doc", b, List.of("[3,\"x\"]", "[-1,3]"), new byte[32], null));
    assertThat(history.page("doc", 0, 100)).containsExactly(a, b);
    assertThat(history.page("doc", 1, 100)).containsExactly(a, b); // revision 2 is inside a
    assertThat(history.page("doc", 3, 100)).containsExactly(b); // revision 4 starts b
    assertThat(history.canonical("doc", 1, 5))
        .containsExactly(null, null, null, "[3,\"x\"]", "[-1,3]");
    assertThat(history.canonical("doc", 2, 4)).containsExactly(null, null, "[3,\"x\"]");
    assertThat(history.canonical("doc", 5, 9)).containsExactly("[-1,3]");
    assertThat(history.missingCanonical("doc")).isEqualTo(3);
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(
                "jdbc:h2:file:" + dir.resolve("relay").toAbsolutePath(), "quire", "");
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM log")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }

  @Test
  void upgradeFromSchema4_givesEachBatchItsCanonicalOperations() throws Exception {
    store.close();
    Path old = dir.resolve("old4");
    String url = dataDirectoryAtSchema(old, "4");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "quire", "");
        java.sql.Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO documents (id, title, owner, created_at, head, last_change,"
              + " missing_canonical) VALUES ('doc', 'T', 'alice', 1, 3, 1, 1)");
      String digest = "X'" + "00".repeat(32) + "'";
      s.execute(
          "INSERT INTO batches (doc_id, author, client_id, batch_seq, first_revision, op_count,"
              + " base_revision, created_at, digest, operations) VALUES ('doc', 'alice', 'c', 1,"
              + " 1, 2, 0, 10, "
              + digest
              + ", '[\"a\"]' || CHAR(10) || '[1,\"b\"]'), ('doc', 'alice', 'c', 2, 3, 1, 2, 20, "
              + digest
              + ", '[-1,1]')");
      s.execute(
          "INSERT INTO log (doc_id, revision, base_revision, author, client_id, batch_seq,"
              + " created_at, payload, canonical) VALUES"
              + " ('doc', 1, 0, 'alice', 'c', 1, 10, '[\"a\"]', '[\"a\"]'),"
              + " ('doc', 2, 0, 'alice', 'c', 1, 10, '[1,\"b\"]', '[1,\"b\"]'),"
              + " ('doc', 3, 2, 'alice', 'c', 2, 20, '[-1,1]', NULL)");
    }
    store = EmbeddedStorage.open(old, 2);
    history = store.history();
    assertThat(history.canonical("doc", 1, 3)).containsExactly("[\"a\"]", "[1,\"b\"]", null);
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "quire", "");
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs =
            s.executeQuery("SELECT canonical FROM batches ORDER BY first_revision")) {
      assertThat(rs.next()).isTrue();
      // Both equal to the operations as sent: an empty line each (V21).
      assertThat(rs.getString(1)).isEqualTo("\n");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isNull(); // not computed: stays so, and counted as missing
    }
    // Filling it in reaches the batch row, and the count.
    history.fillDerived("doc", 3, List.of("[-1,1]"), List.of());
    assertThat(history.canonical("doc", 3, 3)).containsExactly("[-1,1]");
    assertThat(history.missingCanonical("doc")).isZero();
  }

  @Test
  void page_holdsWholeBatchesUpToAboutPageSize_andAtLeastOne() {
    append(1, 0, 3, null);
    append(2, 3, 3, null);
    append(3, 6, 3, null);
    assertThat(history.page("doc", 0, 6)).hasSize(2);
    assertThat(history.page("doc", 0, 5)).hasSize(1);
    assertThat(history.page("doc", 0, 1)).hasSize(1); // a batch bigger than a page still comes
  }

  @Test
  void page_staysWithinItsBytesToo_andHoldsAtLeastOneBatch() {
    append(1, 0, 3, null);
    append(2, 3, 3, null);
    append(3, 6, 3, null);
    List<WireSequenced> all = history.page("doc", 0, 100);
    long one = all.get(0).wireBytesBound();
    long two = one + all.get(1).wireBytesBound();
    assertThat(history.page("doc", 0, 100, two)).hasSize(2);
    assertThat(history.page("doc", 0, 100, two - 1)).hasSize(1);
    assertThat(history.page("doc", 0, 100, 1)).hasSize(1); // a batch bigger than a page still comes
  }

  @Test
  void findBatchAtOrAfter_findsTheBatchOrTheClientsNextOne() {
    append(1, 0, 1, null);
    append(3, 1, 1, null);
    assertThat(history.findBatchAtOrAfter("doc", "alice", "c", 1).orElseThrow().firstRevision())
        .isEqualTo(1);
    assertThat(history.findBatchAtOrAfter("doc", "alice", "c", 2).orElseThrow().batchSeq())
        .isEqualTo(3);
    assertThat(history.findBatchAtOrAfter("doc", "alice", "c", 4)).isEmpty();
    assertThat(history.findBatchAtOrAfter("doc", "bob", "c", 1)).isEmpty();
  }

  @Test
  void findBatchAtOrAfter_amongOtherClientsBatches_findsTheClientsOwn() {
    for (int seq = 1; seq <= 40; seq++) {
      for (int k = 0; k < 3; k++) {
        appendAs("c" + k, seq);
      }
    }
    for (int seq = 1; seq <= 40; seq++) {
      HistoryStore.StoredBatch b = history.findBatchAtOrAfter("doc", "alice", "c1", seq).get();
      assertThat(b.batchSeq()).isEqualTo(seq);
      assertThat(b.firstRevision()).isEqualTo(3L * (seq - 1) + 2);
      assertThat(b.digest()[0]).isEqualTo((byte) seq);
    }
    assertThat(history.findBatchAtOrAfter("doc", "alice", "c1", 41)).isEmpty();
    assertThat(history.findBatchAtOrAfter("doc", "alice", "c3", 1)).isEmpty();
  }

  /** Appends a one-operation batch of {@code clientId} (author alice) at the head. */
  private WireSequenced appendAs(String clientId, long seq) {
    long first = store.documents().find("doc").orElseThrow().head() + 1;
    WireSequenced e =
        new WireSequenced(
            first, "alice", seq, new WireBatch(clientId, seq, first - 1, List.of("\"o\""), 1_000L));
    byte[] digest = new byte[32];
    digest[0] = (byte) seq;
    history.append(new HistoryStore.Append("doc", e, null, digest, null));
    return e;
  }

  @Test
  void latestBatches_readsOneRowPerClient_notTheWholeHistory() throws Exception {
    int clients = 3;
    int perClient = 60;
    for (int seq = 1; seq <= perClient; seq++) {
      for (int k = 0; k < clients; k++) {
        appendAs("c" + k, seq);
      }
    }
    List<HistoryStore.LatestBatch> latest = history.latestBatches("doc");
    assertThat(latest)
        .extracting(b -> b.clientId() + "@" + b.batch().batchSeq())
        .containsExactlyInAnyOrder("c0@60", "c1@60", "c2@60");
    HistoryStore.StoredBatch c2 =
        latest.stream().filter(b -> b.clientId().equals("c2")).findFirst().orElseThrow().batch();
    assertThat(c2.firstRevision()).isEqualTo((long) clients * perClient);
    assertThat(c2.digest()[0]).isEqualTo((byte) perClient);
    // What H2 reads to answer, counted by EXPLAIN ANALYZE: rows per client, not per batch (the
    // correlated MAX read every batch of the client once per batch: quadratic in its history).
    assertThat(rowsScanned(dev.quire.relay.store.sql.SqlHistory.LATEST_BATCHES_SQL, "doc"))
        .as("rows H2 scans for %d clients with %d batches each", clients, perClient)
        .isLessThanOrEqualTo(2L * clients);
  }

  @Test
  void latestBatches_afterAGroupWithSeveralBatchesOfOneClient_holdTheLast() throws Exception {
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(
                "jdbc:h2:file:" + dir.resolve("relay").toAbsolutePath(), "quire", "");
        AppendWriter w = new AppendWriter(c)) {
      c.setAutoCommit(false);
      for (int seq = 1; seq <= 3; seq++) {
        WireSequenced e =
            new WireSequenced(
                seq, "alice", seq, new WireBatch("c", seq, seq - 1, List.of("1"), 1_000L));
        w.add(new HistoryStore.Append("doc", e, null, new byte[32], null));
      }
      w.flush();
      c.commit();
    }
    assertThat(history.latestBatches("doc"))
        .extracting(
            b -> b.clientId() + "@" + b.batch().batchSeq() + "/" + b.batch().firstRevision())
        .containsExactly("c@3/3");
  }

  @Test
  void upgradeFromSchema5_findsEachClientsLatestBatch() throws Exception {
    store.close();
    Path old = dir.resolve("old5");
    String url = dataDirectoryAtSchema(old, "5");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "quire", "");
        java.sql.Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO documents (id, title, owner, created_at, head, last_change)"
              + " VALUES ('doc', 'T', 'alice', 1, 4, 1)");
      String digest = "X'" + "00".repeat(32) + "'";
      String[] rows = {"'a', 1, 1, 1, 10", "'b', 1, 2, 2, 20", "'a', 2, 4, 1, 30"};
      for (String r : rows) {
        s.execute(
            "INSERT INTO batches (doc_id, author, client_id, batch_seq, first_revision, op_count,"
                + " created_at, base_revision, digest, operations) VALUES ('doc', 'alice', "
                + r
                + ", 0, "
                + digest
                + ", '\"o\"')");
      }
    }
    store = EmbeddedStorage.open(old, 2);
    assertThat(store.history().latestBatches("doc"))
        .extracting(
            b -> b.clientId() + "@" + b.batch().batchSeq() + "/" + b.batch().firstRevision())
        .containsExactlyInAnyOrder("a@2/4", "b@1/2");
  }

  /** Rows H2 scans to run {@code sql} with {@code param}, summed over its tables. */
  private long rowsScanned(String sql, String param) throws Exception {
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(
                "jdbc:h2:file:" + dir.resolve("relay").toAbsolutePath(), "quire", "");
        java.sql.PreparedStatement s = c.prepareStatement("EXPLAIN ANALYZE " + sql)) {
      s.setString(1, param);
      try (java.sql.ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).isTrue();
        String plan = rs.getString(1);
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("scanCount: (\\d+)").matcher(plan);
        long sum = 0;
        boolean any = false;
        while (m.find()) {
          sum += Long.parseLong(m.group(1));
          any = true;
        }
        assertThat(any).as("scan counts in the plan: %s", plan).isTrue();
        return sum;
      }
    }
  }

  @Test
  void checkpoints_andTheBasesAfterThem() {
    append(1, 0, 2, "ab");
    append(2, 2, 2, "abcd");
    append(3, 1, 1, null); // based on revision 1, placed at 5
    assertThat(history.checkpointAtOrBefore("doc", 5)).hasValue(4);
    assertThat(history.checkpointAtOrBefore("doc", 3)).hasValue(2);
    assertThat(history.checkpointAtOrBefore("doc", 1)).isEmpty();
    assertThat(history.checkpoint("doc", 4).orElseThrow().text()).isEqualTo("abcd");
    assertThat(history.minBaseAfter("doc", 4)).hasValue(1);
    assertThat(history.minBaseAfter("doc", 5)).isEmpty();
  }

  @Test
  void fillDerived_addsCanonicalOperationsButNeverChangesPayloads() {
    WireSequenced a = append(1, 0, 2, null);
    assertThat(history.missingCanonical("doc")).isEqualTo(2);
    history.fillDerived(
        "doc", 1, List.of("[\"x\"]", "[1,\"y\"]"), List.of(new HistoryStore.Checkpoint(2, "xy")));
    assertThat(history.missingCanonical("doc")).isZero();
    assertThat(history.canonical("doc", 1, 2)).containsExactly("[\"x\"]", "[1,\"y\"]");
    assertThat(history.page("doc", 0, 10)).containsExactly(a);
    assertThat(history.checkpoint("doc", 2).orElseThrow().text()).isEqualTo("xy");
  }
}
